from .appraisals import (
    AppraisalIndexPage,
    AppraisalPage,
    AppraisalResultItem,
    AppraisalStage,
    AppraisalTeamMember,
    Department,
)
from .initiatives import InitiativeIndexPage, InitiativePage, InitiativeResponse
from .news import NewsCategory, NewsIndexPage, NewsPage, NewsPageTag

__all__ = [
    "AppraisalIndexPage",
    "AppraisalPage",
    "AppraisalResultItem",
    "AppraisalStage",
    "AppraisalTeamMember",
    "Department",
    "InitiativeIndexPage",
    "InitiativePage",
    "InitiativeResponse",
    "NewsCategory",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
]
