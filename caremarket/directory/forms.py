"""The directory's forms: a listing as a provider proposes it, a provider's profile, a person's enquiry and the
public search. Services validate through them, so the page and the API refuse the same things with the same words."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms

from caremarket.domain import directory as rules

PHONE_CHARS = set("0123456789 +()-")


def _postcode(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return rules.postcode_normalised(value)
    except rules.PostcodeError as exc:
        raise forms.ValidationError(str(exc)) from exc


def _phone(value: str) -> str:
    value = (value or "").strip()
    digits = [c for c in value if c.isdigit()]
    if value and (set(value) - PHONE_CHARS or not 10 <= len(digits) <= 13):
        raise forms.ValidationError("Enter a telephone number like 0161 496 0000 or +44 161 496 0000")
    return value


class ListingForm(forms.Form):
    name = forms.CharField(label="Name of the service", max_length=200)
    description = forms.CharField(
        label="What the service does and who it is for", widget=forms.Textarea, max_length=3000, required=False
    )
    activities = forms.CharField(label="Activities", widget=forms.Textarea, max_length=2000, required=False)
    address_1 = forms.CharField(label="Building and street", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    age_min = forms.IntegerField(label="Youngest age supported", min_value=0, max_value=rules.AGE_MAX, required=False)
    age_max = forms.IntegerField(label="Oldest age supported", min_value=0, max_value=rules.AGE_MAX, required=False)
    offers_transport = forms.BooleanField(label="We offer transport to and from the service", required=False)
    one_to_one = forms.BooleanField(label="We offer one-to-one support", required=False)
    complex_needs = forms.BooleanField(label="We support people with complex needs", required=False)
    days = forms.MultipleChoiceField(
        label="Days open", choices=rules.DAYS, widget=forms.CheckboxSelectMultiple, required=False
    )
    opens_at = forms.TimeField(label="Opens at", required=False, help_text="For example, 09:00")
    closes_at = forms.TimeField(label="Closes at", required=False, help_text="For example, 17:00")
    languages = forms.CharField(label="Languages spoken", max_length=200, required=False)
    email = forms.EmailField(label="Email address for enquiries", required=False)
    phone = forms.CharField(label="Telephone number for enquiries", max_length=30, required=False)
    free = forms.BooleanField(label="The service is free to people who pay for themselves", required=False)
    price = forms.CharField(label="Price for people who pay for themselves, in pounds", max_length=12, required=False)
    price_unit = forms.ChoiceField(
        label="The price is for", choices=[("", "Choose"), *rules.PRICE_UNITS], required=False
    )
    price_note = forms.CharField(label="What the price includes", max_length=300, required=False)
    taking_new_people = forms.BooleanField(label="We are taking new people", required=False)

    def clean_postcode(self) -> str:
        return _postcode(self.cleaned_data["postcode"])

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data["phone"])

    def clean_price(self) -> int | None:
        value = self.cleaned_data["price"].strip().lstrip("£").replace(",", "")
        if not value:
            return None
        try:
            pounds = Decimal(value)
        except InvalidOperation as exc:
            raise forms.ValidationError("Enter the price in pounds, like 18.50") from exc
        if pounds < 0 or pounds != pounds.quantize(Decimal("0.01")) or pounds * 100 > rules.PRICE_MAX_PENCE:
            raise forms.ValidationError(
                f"Enter a price from £0 to £{rules.PRICE_MAX_PENCE // 100:,} in pounds and pence, like 18.50"
            )
        return int(pounds * 100)

    def clean(self):
        data = super().clean()
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", "The oldest age must be the same as the youngest or older")
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if (opens is None) != (closes is None):
            self.add_error("closes_at" if opens else "opens_at", "Give both the opening and the closing time")
        elif opens is not None and closes <= opens:
            self.add_error("closes_at", "The closing time must be after the opening time")
        if data.get("price") is not None and not data.get("price_unit"):
            self.add_error("price_unit", "Say what the price is for: an hour, a session, a day or a week")
        if data.get("price") is not None and data.get("free"):
            self.add_error("price", "A free service has no price: clear the price or untick free")
        return data

    def proposed(self) -> dict:
        """The listing as proposed, in the stored form (pence, BYDAY codes, HH:MM)."""
        d = self.cleaned_data
        return {
            "name": d["name"].strip(),
            "description": d["description"].strip(),
            "activities": d["activities"].strip(),
            "address_1": d["address_1"].strip(),
            "town": d["town"].strip(),
            "postcode": d["postcode"],
            "age_min": d["age_min"],
            "age_max": d["age_max"],
            "offers_transport": d["offers_transport"],
            "one_to_one": d["one_to_one"],
            "complex_needs": d["complex_needs"],
            "days": ",".join(code for code in rules.DAY_CODES if code in d["days"]),
            "opens_at": d["opens_at"].strftime("%H:%M") if d["opens_at"] else None,
            "closes_at": d["closes_at"].strftime("%H:%M") if d["closes_at"] else None,
            "languages": d["languages"].strip(),
            "email": d["email"].strip(),
            "phone": d["phone"],
            "free": d["free"],
            "price_pence": d["price"],
            "price_unit": d["price_unit"] if d["price"] is not None else "",
            "price_note": d["price_note"].strip(),
            "taking_new_people": d["taking_new_people"],
        }


def listing_initial(values: dict) -> dict:
    """A stored listing (or proposal) as the form's initial values."""
    initial = dict(values)
    initial["days"] = [d for d in (values.get("days") or "").split(",") if d]
    pence = values.get("price_pence")
    initial["price"] = f"{Decimal(pence) / 100:.2f}" if pence is not None else ""
    for key in ("opens_at", "closes_at"):
        value = values.get(key)
        initial[key] = value.strftime("%H:%M") if hasattr(value, "strftime") else (value or "")
    return initial


class ProfileForm(forms.Form):
    description = forms.CharField(
        label="About your organisation", widget=forms.Textarea, max_length=3000, required=False
    )
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Telephone number", max_length=30, required=False)

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data["phone"])


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="What the provider must change", widget=forms.Textarea, max_length=2000, required=True
    )


class EnquiryForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=100)
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Telephone number", max_length=30, required=False)
    message = forms.CharField(
        label="Your message", widget=forms.Textarea, max_length=2000, help_text="Do not include medical details."
    )
    # left empty by people; filled by bots that fill every field
    website = forms.CharField(label="Leave this empty", required=False)

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if not (data.get("email") or data.get("phone")) and "email" not in self.errors and "phone" not in self.errors:
            self.add_error("email", "Give an email address or a telephone number so the provider can reply")
        return data


NEED_CHOICES = list(rules.NEEDS)


class SearchForm(forms.Form):
    service = forms.ChoiceField(label="Kind of support", required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    distance = forms.DecimalField(
        label="Within (miles)",
        required=False,
        min_value=Decimal(str(rules.DISTANCE_MIN_MILES)),
        max_value=Decimal(rules.DISTANCE_MAX_MILES),
        decimal_places=1,
    )
    age = forms.IntegerField(label="Age of the person", min_value=0, max_value=rules.AGE_MAX, required=False)
    age_group = forms.ChoiceField(
        label="Or an age group",
        choices=[("", "Any age"), *((g.code, g.label) for g in rules.AGE_GROUPS)],
        required=False,
    )
    needs = forms.MultipleChoiceField(
        label="Needs met", choices=NEED_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    day = forms.ChoiceField(label="Open on", choices=[("", "Any day"), *rules.DAYS], required=False)
    time = forms.TimeField(label="At (time)", required=False, help_text="For example, 10:00")
    taking = forms.BooleanField(label="Only providers taking new people", required=False)
    page = forms.IntegerField(min_value=1, max_value=10_000, required=False)

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "Any kind of support"), *((s.code, s.name) for s in services)]

    def clean_postcode(self) -> str:
        return _postcode(self.cleaned_data["postcode"])
