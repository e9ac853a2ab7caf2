"""The domain model, one module per domain; importing this package registers every table."""

from advocacy.models.accounts import AuditEvent, User
from advocacy.models.alerts import AlertMessage, Follower
from advocacy.models.bills import Bill, BillRefresh, BillSession, BillSponsor
from advocacy.models.campaigns import Campaign, CampaignTally
from advocacy.models.committees import BillEvent, Committee, CommitteeMember, Hearing
from advocacy.models.inbound import EmailBounce, InboundMessage
from advocacy.models.legislators import ContactCorrection, ContactOverride, Legislator, SyncRun
from advocacy.models.letters import Letter, LetterTemplate, OutboxMessage, TemplateRevision
from advocacy.models.limits import RateLimit
from advocacy.models.reportcards import (
    AreaFinding,
    AreaScore,
    Edition,
    Framework,
    IssueArea,
    NationalSummary,
    PolicyGoal,
    ReportCard,
    State,
)

__all__ = [
    "AlertMessage",
    "AreaFinding",
    "AreaScore",
    "AuditEvent",
    "Bill",
    "BillEvent",
    "BillRefresh",
    "BillSession",
    "BillSponsor",
    "Campaign",
    "CampaignTally",
    "Committee",
    "CommitteeMember",
    "ContactCorrection",
    "ContactOverride",
    "Edition",
    "EmailBounce",
    "Follower",
    "Framework",
    "Hearing",
    "InboundMessage",
    "IssueArea",
    "Legislator",
    "Letter",
    "LetterTemplate",
    "NationalSummary",
    "OutboxMessage",
    "PolicyGoal",
    "RateLimit",
    "ReportCard",
    "State",
    "SyncRun",
    "TemplateRevision",
    "User",
]
