"""The domain model, one module per domain; importing this package registers every table."""

from advocacy.models.accounts import AuditEvent, User
from advocacy.models.bills import Bill, BillRefresh, BillSession, BillSponsor
from advocacy.models.campaigns import Campaign, CampaignTally
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
    "AreaFinding",
    "AreaScore",
    "AuditEvent",
    "Bill",
    "BillRefresh",
    "BillSession",
    "BillSponsor",
    "Campaign",
    "CampaignTally",
    "ContactCorrection",
    "ContactOverride",
    "Edition",
    "EmailBounce",
    "Framework",
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
