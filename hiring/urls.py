app_name = "hiring"
urlpatterns = []
