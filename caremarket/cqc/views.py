from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from caremarket.core.govuk import FAILED, bound, bound_files, submit
from caremarket.core.permissions import permission_required
from caremarket.domain.roles import Permission

from . import selectors, services
from .forms import ImportForm


@permission_required(Permission.CQC_IMPORT)
def index(request):
    """Councils read their providers' registration flags; the shared directory is imported by installation staff
    (here, or with `caremarket import-cqc FILE`)."""
    if request.method == "POST" and not request.user.is_staff:
        raise PermissionDenied("The CQC directory is shared by every council: only installation staff import it")
    form = ImportForm(bound(request), bound_files(request))
    record = submit(
        request,
        form,
        lambda data: services.directory_import(
            text=data["file"].read().decode("utf-8-sig", errors="replace"),
            file_name=data["file"].name,
            actor=request.user,
        ),
    )
    if record is not FAILED:
        messages.success(request, f"Imported {record.rows_read} locations; {record.rows_rejected} rows rejected")
        return redirect("cqc:index")
    return render(
        request,
        "cqc/index.html",
        {
            "form": form,
            "latest": selectors.latest_import(),
            "can_import": request.user.is_staff,
            "flags": selectors.registration_flags(council=request.user.organisation),
        },
    )
