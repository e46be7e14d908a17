"""stub"""

urlpatterns: list = []
