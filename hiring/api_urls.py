from rest_framework.routers import DefaultRouter

from .api import ApplicantViewSet, QuestionViewSet, RoundViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("rounds", RoundViewSet, basename="hiring-round")
router.register("applicants", ApplicantViewSet, basename="hiring-applicant")
router.register("questions", QuestionViewSet, basename="hiring-question")

urlpatterns = router.urls
