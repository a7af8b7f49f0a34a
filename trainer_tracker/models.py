"""Every tracker model, in dependency order (for migrations and test set-up)."""

from .accounts.models import FormSubmission, LoginAttempt, PasswordReset, RecoveryCode, User, UserSession
from .audit.models import AuditEntry
from .cascade.models import (
    Attendance,
    Certification,
    CertificationEvent,
    CheckoutResult,
    Course,
    CourseTrainee,
    CourseTrainer,
    ModuleDelivery,
    Person,
    Site,
)
from .concerns.models import Concern
from .fidelity.models import FidelityItemScore, FidelityRecord
from .figures.models import AssessmentDue, FidelityOccasion, FidelitySum, KeptState, SiteCount
from .notify.models import NotificationLog
from .pathway.models import ConsentRecord, Demographics, Referral, ReferralContact, ReferralStep, SupporterProfile
from .refreshers.models import Refresher
from .research.models import AdverseEvent, AssessmentAnswer, AssessmentResponse, CostItem
from .research.self_completion import SelfCompletionLink
from .study.models import StudyRecord
from .supervision.models import ReflectiveNote, SupervisionAttendee, SupervisionSession
from .support.models import Carer, CarerContactDetails, Contact, Match

ALL_MODELS = [
    Site,
    Person,
    User,
    PasswordReset,
    UserSession,
    RecoveryCode,
    FormSubmission,
    LoginAttempt,
    AuditEntry,
    Course,
    CourseTrainer,
    CourseTrainee,
    ModuleDelivery,
    Attendance,
    CheckoutResult,
    Certification,
    CertificationEvent,
    Carer,
    CarerContactDetails,
    Match,
    Contact,
    FidelityOccasion,
    FidelityRecord,
    FidelityItemScore,
    FidelitySum,
    SiteCount,
    AssessmentDue,
    KeptState,
    AssessmentResponse,
    AssessmentAnswer,
    AdverseEvent,
    CostItem,
    Concern,
    Referral,
    ReferralContact,
    ReferralStep,
    ConsentRecord,
    Demographics,
    SupporterProfile,
    SupervisionSession,
    SupervisionAttendee,
    ReflectiveNote,
    SelfCompletionLink,
    NotificationLog,
    StudyRecord,
    Refresher,
]
