"""Support load and the self-service rate.

Self-service rate = 100 x self-service tickets / (self-service + assisted tickets) opened in the
period: each ticket is one resolution need, answered either by the customer's own means
(docs, community, in-app help: channel `self_service`) or by a person (channel `assisted`).
"""

from dataclasses import dataclass

from cstui.metrics.base import EVERYONE, Conn, Period, Scope, pct


@dataclass(frozen=True)
class SupportCounts:
    self_service: int
    assisted: int

    @property
    def self_service_rate(self) -> float | None:
        return pct(self.self_service, self.self_service + self.assisted)


def support_counts(conn: Conn, period: Period, scope: Scope = EVERYONE) -> SupportCounts:
    clause, params = scope.where()
    row = conn.execute(
        f"SELECT coalesce(sum(channel = 'self_service'), 0), coalesce(sum(channel = 'assisted'), 0)"
        f" FROM tickets WHERE opened_on >= :s AND opened_on < :e{clause}",
        {"s": period.s, "e": period.e, **params},
    ).fetchone()
    return SupportCounts(*row)
