from rest_framework.routers import DefaultRouter

from .api import (
    AgencyViewSet,
    FreelancerViewSet,
    ImportJobViewSet,
    ShortlistViewSet,
    SourcingRulesViewSet,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("freelancers", FreelancerViewSet, basename="sourcing-freelancer")
router.register("agencies", AgencyViewSet, basename="sourcing-agency")
router.register("imports", ImportJobViewSet, basename="sourcing-import")
router.register("shortlists", ShortlistViewSet, basename="sourcing-shortlist")
router.register("rules", SourcingRulesViewSet, basename="sourcing-rules")

urlpatterns = router.urls
