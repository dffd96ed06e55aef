"""The viewflow process behind every submitted document: tokens and tasks only.

The route lives in our tables (RouteStep); this flow is a loop over it. Each turn
of the loop is one ``route`` gateway task: it advances the route (``reach_next_step``),
spawns the non-blocking side tasks and picks the next node, like a Switch:

    start ─▶ route ──(供覧 / 後閲 tasks, non-blocking, on split tokens)──▶ end
               │  first case that holds:
               ├─ step ready ──────▶ approve (回議 or 決裁) ────────────────────▶ route
               ├─ post vacant ─────▶ wait_for_holder (a Handle: nobody can claim it) ─▶ route
               ├─ consultation ────▶ consult ─▶ consultation ×N ─▶ consultation_join ─▶ route
               │                        └──▶ wait_for_consultant ─▶ consultant_gate ─┘
               ├─ returned ────────▶ revise (the applicant) ─────────────────────▶ route
               └─ otherwise ───────▶ end

The join's ``continue_on_condition`` implements all / any / N and cancels the
remaining consultations once the stage is settled.

Every task is assigned to a named person resolved from our route data: ``step_owner``
never returns None, so no task ever lands in viewflow's claimable queue. Our services
check permissions, lock the document row, then drive the tasks through the helpers at
the bottom of this module; viewflow's own views and lists are never exposed.

Node names are stored in the database ("workflows/flows.ApprovalFlow.approve"): renaming
one needs a data migration.
"""

from __future__ import annotations

from django.http import Http404
from viewflow import this
from viewflow.workflow import STATUS, flow
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.models import Process, Task

from . import engine, messages
from .engine import RouteState
from .models import Document, RouteStep
from .nodes import FanOut, RouteGateway, WaitingHandle


def _not_exposed(request, *args, **kwargs):
    raise Http404


def state_of(activation) -> RouteState:
    """The RouteState the running service attached to the process, or a fresh one."""
    process = activation.process
    state = getattr(process, "_route_state", None)
    if state is None:
        document = Document.objects.get(process_id=process.pk)
        state = RouteState(document)
        process._route_state = state
    return state


def _step_of(activation) -> RouteStep:
    state = state_of(activation)
    step_id = (activation.task.data or {}).get("step")
    step = state.step(step_id)
    if step is None:
        step = RouteStep.objects.select_related("assignee", "post", "unit").get(
            pk=step_id
        )
        state.add(step)
    return step


class ApprovalFlow(flow.Flow):
    """電子決裁"""

    # SELECT … FOR UPDATE on the process row. Our services lock the document row first,
    # so the wait here is never contended; blocking (not NOWAIT + retry) keeps it simple.
    # On SQLite select_for_update is a no-op and the IMMEDIATE transaction serialises.
    lock_impl = SelectForUpdateLock(nowait=False, attempts=1)

    start = flow.StartHandle(this.start_route).Next(this.route)
    route = (
        RouteGateway(this.reach_next_step)
        .Each(this.acknowledge, this.circulation_items)
        .Each(this.post_review, this.post_review_items)
        .Case(this.approve, this.step_is_ready, this.current_step_data)
        .Case(this.wait_for_holder, this.step_is_vacant, this.current_step_data)
        .Case(this.consult, this.consultation_is_due)
        .Case(this.revise, this.awaiting_revision)
        .Default(this.end)
    )
    approve = (
        flow.View(_not_exposed)
        .Assign(this.step_owner)
        .onCreate(this.step_task_created)
        .Next(this.route)
    )
    wait_for_holder = WaitingHandle().onCreate(this.step_task_created).Next(this.route)
    consult = (
        FanOut()
        .Each(this.consultation, this.ready_consultations)
        .Each(this.wait_for_consultant, this.vacant_consultations)
    )
    consultation = (
        flow.View(_not_exposed)
        .Assign(this.step_owner)
        .onCreate(this.step_task_created)
        .Next(this.consultation_join)
    )
    wait_for_consultant = (
        WaitingHandle()
        .onCreate(this.step_task_created)
        .Next(this.consultant_gate, task_data=this.same_step)
    )
    consultant_gate = (
        flow.If(this.consultant_is_ready)
        .Then(this.consultation, task_data=this.same_step)
        .Else(this.consultation_join)
    )
    consultation_join = flow.Join(continue_on_condition=this.consultation_settled).Next(
        this.route
    )
    revise = flow.View(_not_exposed).Assign(this.applicant_of).Next(this.route)
    acknowledge = (
        flow.View(_not_exposed)
        .Assign(this.step_owner)
        .onCreate(this.step_task_created)
        .Next(this.end)
    )
    post_review = (
        flow.View(_not_exposed)
        .Assign(this.step_owner)
        .onCreate(this.step_task_created)
        .Next(this.end)
    )
    end = flow.End()

    # --- callbacks -----------------------------------------------------------------

    def start_route(self, activation, state: RouteState):
        activation.process._route_state = state
        activation.process.data = {"document": state.document.pk}
        return activation.process

    def reach_next_step(self, activation):
        engine.reach_next(state_of(activation))

    def circulation_items(self, activation):
        state = state_of(activation)
        return [
            {"step": step.pk}
            for step in engine.side_steps_due(state, RouteStep.Kind.CIRCULATION)
        ]

    def post_review_items(self, activation):
        state = state_of(activation)
        return [
            {"step": step.pk}
            for step in engine.side_steps_due(state, RouteStep.Kind.POST_REVIEW)
        ]

    def step_is_ready(self, activation):
        step = engine.current_single_step(state_of(activation))
        return bool(
            step and step.status == RouteStep.Status.ACTIVE and not step.task_id
        )

    def step_is_vacant(self, activation):
        step = engine.current_single_step(state_of(activation))
        return bool(
            step and step.status == RouteStep.Status.BLOCKED and not step.task_id
        )

    def current_step_data(self, activation):
        return {"step": engine.current_single_step(state_of(activation)).pk}

    def consultation_is_due(self, activation):
        group = state_of(activation).current_group()
        return engine.is_consultation(group) and any(
            step.status in RouteStep.OPEN and not step.task_id for step in group
        )

    def _consultations(self, activation, status):
        group = state_of(activation).current_group()
        return [
            {"step": step.pk}
            for step in group
            if step.status == status and not step.task_id
        ]

    def ready_consultations(self, activation):
        return self._consultations(activation, RouteStep.Status.ACTIVE)

    def vacant_consultations(self, activation):
        return self._consultations(activation, RouteStep.Status.BLOCKED)

    def same_step(self, activation):
        return {"step": activation.task.data["step"]}

    def consultant_is_ready(self, activation):
        state = state_of(activation)
        step = _step_of(activation)
        return (
            state.document.state == Document.State.IN_PROGRESS
            and step.round == state.document.round
            and step.status == RouteStep.Status.ACTIVE
            and step.assignee_id is not None
        )

    def consultation_settled(self, activation, active_tasks):
        state = state_of(activation)
        positions = {
            step.position
            for task in activation.task.previous.all()
            if (step := state.step((task.data or {}).get("step"))) is not None
        }
        group = [
            step
            for step in state.main_steps
            if step.kind == RouteStep.Kind.CONSULTATION and step.position in positions
        ]
        return engine.consultation_stage_settled(state.document, group)

    def awaiting_revision(self, activation):
        return state_of(activation).document.state == Document.State.RETURNED

    def step_owner(self, activation):
        step = _step_of(activation)
        if step.assignee_id is None:
            # Never hand viewflow a task without an owner: it would be claimable.
            raise RuntimeError(f"Route step {step.pk} reached without an assignee.")
        return step.assignee

    def applicant_of(self, activation):
        return state_of(activation).document.applicant

    def step_task_created(self, activation):
        step = _step_of(activation)
        step.task = activation.task
        fields = ["task"]
        if (
            step.kind in RouteStep.SIDE_KINDS
            and step.status == RouteStep.Status.WAITING
        ):
            step.status = RouteStep.Status.ACTIVE
            step.reached_at = step.reached_at or activation.task.created
            fields += ["status", "reached_at"]
        step.save(update_fields=fields)
        if activation.task.owner_id is not None:
            messages.task_assigned(step)


# --- driving tasks from the services ------------------------------------------------


def start_process(state: RouteState) -> Process:
    return ApprovalFlow.start.run(state=state)


def _attach(task: Task, state: RouteState) -> None:
    process = state.document.process
    process._route_state = state
    task.process = process


def open_task(task_id: int) -> Task | None:
    """The task if it is still open, else None (someone acted first)."""
    return (
        Task.objects.filter(pk=task_id)
        .exclude(
            status__in=[STATUS.DONE, STATUS.CANCELED, STATUS.REVIVED, STATUS.ERROR]
        )
        .first()
    )


def complete_task(state: RouteState, task: Task) -> None:
    """Finish a person's task (or run a waiting handle) and let the flow move on.

    ``task`` was read by ``open_task`` under the document lock, so it is current.
    """
    with ApprovalFlow.lock(state.document.process_id):
        _attach(task, state)
        if task.flow_task in (
            ApprovalFlow.wait_for_holder,
            ApprovalFlow.wait_for_consultant,
        ):
            activation = task.flow_task.activation_class(task)
            activation.run(None)
            activation.execute()
            return
        activation = task.flow_task.activation_class(task)
        activation.start(None)
        activation.execute()


def cancel_task(state: RouteState, task: Task) -> None:
    with ApprovalFlow.lock(state.document.process_id):
        task.refresh_from_db()
        _attach(task, state)
        activation = task.flow_task.activation_class(task)
        activation.cancel()


def reassign_task(task: Task, person) -> None:
    task.owner = person
    task.save(update_fields=["owner"])


def revision_task(document: Document) -> Task | None:
    return (
        Task.objects.filter(
            process_id=document.process_id,
            flow_task=ApprovalFlow.revise,
            status=STATUS.ASSIGNED,
        )
        .order_by("-pk")
        .first()
    )


def cancel_process(state: RouteState) -> None:
    process = state.document.process
    process._route_state = state
    ApprovalFlow.instance.cancel(process)
