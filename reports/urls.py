"""Admin URLs of the reports, mounted under /admin/training-reports/ by wagtail_hooks.py.

Shared file: each group of reports keeps its URLs in its own marked block.
"""

from django.urls import path

from . import competency_views, views

app_name = "reports"

urlpatterns = [
    # --- Coverage, certification status, assessment summary (reports/views.py) ---------------
    path("coverage/", views.CoverageReportView.as_view(), name="coverage"),
    path(
        "coverage/results/",
        views.CoverageReportView.as_view(results_only=True),
        name="coverage_results",
    ),
    path("certification/", views.CertificationReportView.as_view(), name="certification"),
    path(
        "certification/results/",
        views.CertificationReportView.as_view(results_only=True),
        name="certification_results",
    ),
    path("assessments/", views.AssessmentReportView.as_view(), name="assessments"),
    path(
        "assessments/results/",
        views.AssessmentReportView.as_view(results_only=True),
        name="assessments_results",
    ),
    # --- end of coverage, certification status, assessment summary ----------------------------
    # --- Competency matrix, officer records, before/after 2025 (reports/competency_views.py) --
    path("competency/", competency_views.CompetencyMatrixView.as_view(), name="competency"),
    path(
        "competency/export.csv",
        competency_views.CompetencyExportView.as_view(file_format="csv"),
        name="competency_csv",
    ),
    path(
        "competency/export.xlsx",
        competency_views.CompetencyExportView.as_view(file_format="xlsx"),
        name="competency_xlsx",
    ),
    path("officers/", competency_views.OfficerSearchView.as_view(), name="officer_search"),
    path("officers/<int:pk>/", competency_views.OfficerRecordView.as_view(), name="officer"),
    path(
        "officers/<int:pk>/record.xlsx",
        competency_views.OfficerRecordExportView.as_view(),
        name="officer_xlsx",
    ),
    path("before-after-2025/", competency_views.HistoryView.as_view(), name="history"),
    path(
        "before-after-2025/export.csv",
        competency_views.HistoryExportView.as_view(file_format="csv"),
        name="history_csv",
    ),
    path(
        "before-after-2025/export.xlsx",
        competency_views.HistoryExportView.as_view(file_format="xlsx"),
        name="history_xlsx",
    ),
    # --- end of competency matrix, officer records, before/after 2025 -------------------------
]
