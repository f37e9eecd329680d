"""Background jobs of matching: take ids, call a service."""

from django_tasks import task

from kith.matching import services


@task()
def plan_build_task(plan_id: int) -> None:
    services.plan_build(plan_id=plan_id)


@task()
def replan_after_decline_task(visit_id: int) -> None:
    services.decline_replan(visit_id=visit_id)
