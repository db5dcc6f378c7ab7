from django.urls import path

from . import complaint_views, review_views, survey_views, views, visit_views

app_name = "quality"

urlpatterns = [
    path("kpis/", views.kpis, name="kpis"),
    path("kpis/referral-acceptance/<int:provider_id>/", views.not_accepted, name="not-accepted"),
    path("providers/<int:provider_id>/referral-stop/", views.referral_stop, name="referral-stop"),
    path("scorecards/", views.scorecards, name="scorecards"),
    path("scorecards/<int:provider_id>/", views.scorecard, name="scorecard"),
    path("scorecard/", views.own_scorecard, name="own-scorecard"),
    path("visits/", visit_views.visits, name="visits"),
    path("visits/plan/", visit_views.visit_plan, name="visit-plan"),
    path("visits/<int:pk>/", visit_views.visit, name="visit"),
    path("visits/<int:pk>/act/", visit_views.visit_act, name="visit-act"),
    path("framework/", visit_views.framework, name="framework"),
    path("framework/versions/", visit_views.framework_upload, name="framework-upload"),
    path("framework/v<int:version>.csv", visit_views.framework_sheet, name="framework-sheet"),
    path("reports/", visit_views.reports, name="reports"),
    path("reports/<int:pk>/", visit_views.report, name="report"),
    path("reports/<int:pk>/act/", visit_views.report_act, name="report-act"),
    path("reviews/", review_views.review_list, name="reviews"),
    path("reviews/schedule/", review_views.review_schedule, name="review-schedule"),
    path("reviews/<int:pk>/", review_views.review, name="review"),
    path("reviews/<int:pk>/act/", review_views.review_act, name="review-act"),
    path("surveys/", survey_views.survey_list, name="surveys"),
    path("surveys/<int:pk>/", survey_views.survey, name="survey"),
    path("placements/<int:pk>/outcomes/", survey_views.outcomes, name="outcomes"),
    path("complaints/", complaint_views.complaints, name="complaints"),
    path("complaints/new/", complaint_views.complaint_new, name="complaint-new"),
    path("complaints/<int:pk>/", complaint_views.complaint, name="complaint"),
    path("complaints/<int:pk>/act/", complaint_views.complaint_act, name="complaint-act"),
]
