"""Report-card domain: frameworks, their issue areas, editions, states and the grades they received."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.extensions import db

Points = Numeric(6, 2)


class State(db.Model):
    """A jurisdiction with a legislature: the 50 states, DC and Puerto Rico."""

    __tablename__ = "states"

    abbr: Mapped[str] = mapped_column(String(2), primary_key=True)  # lowercase postal code
    name: Mapped[str] = mapped_column(String(64), unique=True)
    fips: Mapped[str] = mapped_column(String(2), unique=True)
    # What the state calls the members of each chamber, for salutations.
    upper_title: Mapped[str] = mapped_column(String(32))
    lower_title: Mapped[str] = mapped_column(String(32))
    upper_chamber: Mapped[str] = mapped_column(String(64))
    lower_chamber: Mapped[str] = mapped_column(String(64))
    # Where the state sits on the tile-grid map of the US.
    tile_row: Mapped[int] = mapped_column(default=0)
    tile_col: Mapped[int] = mapped_column(default=0)

    report_cards: Mapped[list[ReportCard]] = relationship(back_populates="state")

    @property
    def chambers(self) -> list[tuple[str, str]]:
        """(Open States chamber, name) for each chamber; NE and DC have a single body."""
        if not self.lower_chamber:
            return [("legislature", self.upper_chamber)]
        return [("upper", self.upper_chamber), ("lower", self.lower_chamber)]


class Framework(db.Model):
    """A grading rubric; grades are only comparable within one framework."""

    __tablename__ = "frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    short_name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    featured: Mapped[bool] = mapped_column(default=False)
    # "A:90;B:80;…" minimum percent of the base points per grade, and how sure we are of it.
    grade_scale: Mapped[str] = mapped_column(String(64), default="")
    grade_scale_note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")

    issue_areas: Mapped[list[IssueArea]] = relationship(
        back_populates="framework", order_by="IssueArea.position"
    )
    editions: Mapped[list[Edition]] = relationship(back_populates="framework", order_by="Edition.year")


class IssueArea(db.Model):
    __tablename__ = "issue_areas"
    __table_args__ = (
        UniqueConstraint("framework_id", "code"),
        UniqueConstraint("framework_id", "slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    code: Mapped[str] = mapped_column(String(8))  # "1" … "6", or "EC" for extra credit
    number: Mapped[int | None]  # None for extra credit, which is not an issue area to write about
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(128))
    slug: Mapped[str] = mapped_column(String(128))
    max_points: Mapped[Decimal | None] = mapped_column(Points)
    summary: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")

    framework: Mapped[Framework] = relationship(back_populates="issue_areas")
    policy_goals: Mapped[list[PolicyGoal]] = relationship(
        back_populates="issue_area", order_by="PolicyGoal.position"
    )

    @property
    def is_extra_credit(self) -> bool:
        return self.number is None


class PolicyGoal(db.Model):
    __tablename__ = "policy_goals"
    __table_args__ = (UniqueConstraint("issue_area_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_area_id: Mapped[int] = mapped_column(ForeignKey("issue_areas.id"))
    number: Mapped[str] = mapped_column(String(8))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    max_points: Mapped[Decimal | None] = mapped_column(Points)
    source: Mapped[str] = mapped_column(Text, default="")

    issue_area: Mapped[IssueArea] = relationship(back_populates="policy_goals")


class Edition(db.Model):
    """One year's grading under one framework."""

    __tablename__ = "editions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int] = mapped_column(unique=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    max_total: Mapped[Decimal | None] = mapped_column(Points)
    release_date: Mapped[date | None]
    source: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    framework: Mapped[Framework] = relationship(back_populates="editions")
    report_cards: Mapped[list[ReportCard]] = relationship(back_populates="edition")
    national_summary: Mapped[NationalSummary | None] = relationship(back_populates="edition")


class ReportCard(db.Model):
    __tablename__ = "report_cards"
    __table_args__ = (UniqueConstraint("state_abbr", "edition_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state_abbr: Mapped[str] = mapped_column(ForeignKey("states.abbr"))
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"))
    grade: Mapped[str | None] = mapped_column(String(2))
    total_score: Mapped[Decimal | None] = mapped_column(Points)
    extra_credit: Mapped[Decimal | None] = mapped_column(Points)
    rank: Mapped[int | None]
    tier: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # When the card, its area scores or its findings last changed: pages' Last-Modified.
    updated_at: Mapped[datetime | None] = mapped_column(index=True)

    state: Mapped[State] = relationship(back_populates="report_cards")
    edition: Mapped[Edition] = relationship(back_populates="report_cards")
    area_scores: Mapped[list[AreaScore]] = relationship(
        back_populates="report_card", cascade="all, delete-orphan"
    )
    area_findings: Mapped[list[AreaFinding]] = relationship(
        back_populates="report_card", cascade="all, delete-orphan"
    )


class AreaScore(db.Model):
    __tablename__ = "area_scores"
    __table_args__ = (UniqueConstraint("report_card_id", "issue_area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_card_id: Mapped[int] = mapped_column(ForeignKey("report_cards.id"))
    issue_area_id: Mapped[int] = mapped_column(ForeignKey("issue_areas.id"))
    score: Mapped[Decimal] = mapped_column(Points)
    source: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    report_card: Mapped[ReportCard] = relationship(back_populates="area_scores")
    issue_area: Mapped[IssueArea] = relationship()


class AreaFinding(db.Model):
    """A published statement about one area of one report card, for cards whose scores are unknown."""

    __tablename__ = "area_findings"
    __table_args__ = (UniqueConstraint("report_card_id", "issue_area_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_card_id: Mapped[int] = mapped_column(ForeignKey("report_cards.id"))
    issue_area_id: Mapped[int] = mapped_column(ForeignKey("issue_areas.id"))
    area_grade: Mapped[str | None] = mapped_column(String(2))
    finding: Mapped[str] = mapped_column(Text)
    # Whether the finding names this area among the state's lowest (some praise an area instead).
    lowest: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(Text)

    report_card: Mapped[ReportCard] = relationship(back_populates="area_findings")
    issue_area: Mapped[IssueArea] = relationship()


class NationalSummary(db.Model):
    __tablename__ = "national_summaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), unique=True)
    a_count: Mapped[int | None]
    b_count: Mapped[int | None]
    c_count: Mapped[int | None]
    d_count: Mapped[int | None]
    f_count: Mapped[int | None]
    average_score: Mapped[Decimal | None] = mapped_column(Points)
    source: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    edition: Mapped[Edition] = relationship(back_populates="national_summary")
