from django.urls import path

from kith.social import views

app_name = "social"
urlpatterns = [
    path("", views.social_home, name="home"),
    path("activities/", views.calendar, name="calendar"),
    path("activities/new/", views.propose_start, name="propose_start"),
    path("activities/new/check/", views.propose_check, name="propose_check"),
    path("activities/new/done/", views.propose_done, name="propose_done"),
    path("activities/new/<slug:slug>/", views.propose_step, name="propose_step"),
    path("activities/to-approve/", views.review, name="review"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/approve/", views.approve, name="approve"),
    path("activities/<int:pk>/do-not-list/", views.decline, name="decline"),
    path("activities/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("dates/<int:pk>/", views.occurrence_detail, name="occurrence"),
    path("dates/<int:pk>/sign-up/", views.sign_up, name="sign_up"),
    path("dates/<int:pk>/who-came/", views.attendance, name="attendance"),
    path("places/<int:pk>/", views.place, name="place"),
    path("places/<int:pk>/give-up/", views.place_give_up, name="place_give_up"),
    path("calendar.ics", views.public_feed, name="public_feed"),
    path("calendar/<str:token>.ics", views.private_feed, name="private_feed"),
    path("calendar-address/", views.feed_address, name="feed_address"),
    path("introductions/", views.introductions, name="introductions"),
    path("introductions/<int:pk>/", views.introduction_detail, name="introduction"),
    path("introductions/yours/", views.my_introductions, name="my_introductions"),
    path(
        "introductions/yours/<int:pk>/",
        views.my_introduction,
        name="my_introduction",
    ),
    path("free-times/", views.free_times, name="free_times"),
    path("figures/", views.figures, name="figures"),
]
