"""A viewflow node the open-source 2.4 wheel lacks: one task per data item.

``FanOut().Each(node, items).Then(next)`` creates one ``node`` task for every item
``items(activation)`` returns (the item becomes ``task.data``), each on its own split
token so that a ``Join`` after them sees one parallel branch per item. ``Then(next)``
continues the main line on the *unchanged* token: the route loop passes through a
FanOut on every step, and the side tasks it spawns (供覧, 後閲) never join back, so the
main token must not grow by one split level per loop.
"""

from __future__ import annotations

from viewflow import this
from viewflow.workflow.activation import Activation
from viewflow.workflow.base import Edge, Node
from viewflow.workflow.nodes import Handle
from viewflow.workflow.token import Token


class FanOutActivation(Activation):
    def __init__(self, *args, **kwargs):
        self.planned: list[tuple[Node, dict]] = []
        super().__init__(*args, **kwargs)

    @Activation.status.super()
    def activate(self):
        for node, items in self.flow_task._each:
            for item in items(self):
                self.planned.append((node, item))

    @Activation.status.super()
    def create_next(self):
        tokens = Token.split_token_source(self.task.token, self.task.pk)
        for node, item in self.planned:
            yield node._create(prev_activation=self, token=next(tokens), data=item)
        if self.flow_task._then is not None:
            yield self.flow_task._then._create(
                prev_activation=self, token=self.task.token
            )


class FanOut(Node):
    """Parallel tasks, one per data item, plus an optional continuation."""

    activation_class = FanOutActivation
    task_type = "PARALLEL_GATEWAY"
    bpmn_element = "parallelGateway"
    shape = {
        "width": 50,
        "height": 50,
        "svg": """
            <path class="gateway" d="M25,0L50,25L25,50L0,25L25,0"/>
            <text class="gateway-marker" font-size="32px" x="25" y="35">+</text>
        """,
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._each: list[tuple] = []
        self._then = None

    def Each(self, node, items):
        """Create one ``node`` task per item of ``items(activation) -> list[dict]``."""
        self._each.append((node, items))
        return self

    def Then(self, node):
        """Continue the main line to ``node`` (same token)."""
        self._then = node
        return self

    def _resolve(self, instance):
        super()._resolve(instance)
        self._each = [
            (this.resolve(instance, node), this.resolve(instance, items))
            for node, items in self._each
        ]
        self._then = this.resolve(instance, self._then)

    def _outgoing(self):
        for node, _items in self._each:
            yield Edge(src=self, dst=node, edge_class="next")
        if self._then is not None:
            yield Edge(src=self, dst=self._then, edge_class="next")


class WaitingHandle(Handle):
    """A ``Handle`` (a task no person can claim) with an ``onCreate`` hook.

    Used where a step's post is vacant: the token waits here until an administrator
    names someone (or the directory is fixed) and the service runs the handle.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._on_create = None

    def onCreate(self, ref):
        self._on_create = ref
        return self

    def _resolve(self, instance):
        super()._resolve(instance)
        self._on_create = this.resolve(instance, self._on_create)

    def _create(self, prev_activation, token, data=None, seed=None):
        activation = super()._create(prev_activation, token, data=data, seed=seed)
        if self._on_create is not None:
            self._on_create(activation)
        return activation


class RouteGatewayActivation(FanOutActivation):
    def __init__(self, *args, **kwargs):
        self.chosen: tuple | None = None
        super().__init__(*args, **kwargs)

    @Activation.status.super()
    def activate(self):
        if self.flow_task._func is not None:
            self.flow_task._func(self)
        for node, items in self.flow_task._each:
            for item in items(self):
                self.planned.append((node, item))
        for node, condition, task_data in self.flow_task._cases:
            if condition is None or condition(self):
                self.chosen = (node, task_data(self) if task_data else None)
                break

    @Activation.status.super()
    def create_next(self):
        tokens = Token.split_token_source(self.task.token, self.task.pk)
        for node, item in self.planned:
            yield node._create(prev_activation=self, token=next(tokens), data=item)
        if self.chosen is not None:
            node, data = self.chosen
            yield node._create(prev_activation=self, token=self.task.token, data=data)


class RouteGateway(FanOut):
    """One task per turn of the route loop: run ``func`` (advance the route), spawn
    the side tasks (``Each``), and continue the main line to the first ``Case`` whose
    condition holds, with its task data — a Switch that can pass data, fused with the
    fan-out so that each approval costs a handful of rows instead of a chain of
    Function / If / Switch tasks."""

    activation_class = RouteGatewayActivation
    task_type = "EXCLUSIVE_GATEWAY"
    bpmn_element = "complexGateway"

    def __init__(self, func=None, **kwargs):
        super().__init__(**kwargs)
        self._func = func
        self._cases: list[tuple] = []

    def Case(self, node, condition, task_data=None):
        self._cases.append((node, condition, task_data))
        return self

    def Default(self, node):
        self._cases.append((node, None, None))
        return self

    def _resolve(self, instance):
        super()._resolve(instance)
        self._func = this.resolve(instance, self._func)
        self._cases = [
            (
                this.resolve(instance, node),
                this.resolve(instance, condition),
                this.resolve(instance, task_data),
            )
            for node, condition, task_data in self._cases
        ]

    def _outgoing(self):
        yield from super()._outgoing()
        for node, condition, _data in self._cases:
            yield Edge(
                src=self, dst=node, edge_class="cond_true" if condition else "default"
            )
