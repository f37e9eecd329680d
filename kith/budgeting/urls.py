from django.urls import path

from kith.budgeting import views

app_name = "budgeting"

urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("new/", views.round_new, name="round_new"),
    path("<int:pk>/", views.round_page, name="round"),
    path("<int:pk>/change/", views.round_edit, name="round_edit"),
    path("<int:pk>/headings/add/", views.heading_add, name="heading_add"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("propose/check/", views.propose_check, name="propose_check"),
    path("propose/<slug:slug>/", views.propose_step, name="propose_step"),
    path("proposal/<int:pk>/update/", views.proposal_update, name="proposal_update"),
    path("proposal/<int:pk>/link/", views.proposal_link, name="proposal_link"),
    path("proposal/<int:pk>/check/", views.proposal_check, name="proposal_check"),
    path("<int:pk>/vote/", views.vote_start, name="vote_start"),
    path("<int:pk>/vote/ballot/", views.vote_ballot, name="vote_ballot"),
    path("<int:pk>/ballots/enter/", views.ballot_enter, name="ballot_enter"),
    path("<int:pk>/draw/", views.draw_record, name="draw"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.csv", views.results_csv, name="results_csv"),
    path("<int:pk>/<slug:action>/", views.round_action, name="action"),
]
