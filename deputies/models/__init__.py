"""The deputies register (代表名册) and the record of what deputies do (履职记录).

register.py      Level, Term, Area, Constituency, Deputy, Election
organisation.py  DeputyGroup, GroupMembership, CommitteeMember, GroupContact, SupervisionRole
duty.py          VoterContact, VoterContactPerson (private), CheckIn, Training, TrainingAttendance,
                 DutyReport
"""

from .duty import (
    CheckIn,
    DutyReport,
    Training,
    TrainingAttendance,
    VoterContact,
    VoterContactPerson,
)
from .organisation import (
    CommitteeMember,
    DeputyGroup,
    GroupContact,
    GroupMembership,
    SupervisionRole,
)
from .pages import DeputyIndexPage
from .register import Area, Constituency, Deputy, Election, Level, Term

__all__ = [
    "Area",
    "CheckIn",
    "CommitteeMember",
    "Constituency",
    "Deputy",
    "DeputyGroup",
    "DeputyIndexPage",
    "DutyReport",
    "Election",
    "GroupContact",
    "GroupMembership",
    "Level",
    "SupervisionRole",
    "Term",
    "Training",
    "TrainingAttendance",
    "VoterContact",
    "VoterContactPerson",
]
