from django.urls import path

from .views import apply, staff

app_name = "hiring"

urlpatterns = [
    # The lead's pages
    path("hiring/", staff.rounds, name="rounds"),
    path("hiring/questions/", staff.questions_page, name="questions"),
    path("hiring/rounds/<int:pk>/", staff.round_page, name="round"),
    path("hiring/rounds/<int:pk>/applicants/", staff.applicant_add, name="applicant-add"),
    path("hiring/rounds/<int:pk>/import/", staff.applicants_import, name="import"),
    path("hiring/rounds/<int:pk>/review/", staff.review_queue, name="review"),
    path("hiring/rounds/<int:pk>/funnel/", staff.funnel_page, name="funnel"),
    path("hiring/rounds/<int:pk>/funnel.csv", staff.funnel_csv, name="funnel-csv"),
    path("hiring/postings/<int:pk>/reviewed/", staff.posting_reviewed, name="posting-reviewed"),
    path("hiring/applicants/<int:pk>/", staff.applicant_page, name="applicant"),
    path("hiring/applicants/<int:pk>/move/", staff.applicant_move, name="applicant-move"),
    path("hiring/applicants/<int:pk>/score/", staff.applicant_score, name="applicant-score"),
    path("hiring/applicants/<int:pk>/notes/", staff.applicant_note, name="applicant-note"),
    path("hiring/applicants/<int:pk>/hire/", staff.applicant_hire, name="applicant-hire"),
    # The applicant's pages: a signed link, no account
    path("apply/<str:token>/", apply.overview, name="apply"),
    path("apply/<str:token>/submit/", apply.submit, name="apply-submit"),
    path("apply/<str:token>/assessment/", apply.assessment_page, name="apply-assessment"),
    path(
        "apply/<str:token>/assessment/<int:number>.png",
        apply.question_image,
        name="apply-question-image",
    ),
    path("apply/<str:token>/speed-test/", apply.speed_page, name="apply-speed"),
    path("apply/<str:token>/system/", apply.system_page, name="apply-system"),
    path("apply/<str:token>/availability/", apply.availability_page, name="apply-availability"),
]
