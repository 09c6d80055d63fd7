/**
 * The front door of libs/identity (`#perf-eval/identity`): what apps and other libs may use of it.
 * Files inside the lib import each other relatively, never through this file (.dependency-cruiser.cjs checks both).
 */
export { type AccessPolicy, rolePolicy, type RoleTable } from './access-policy.js';
export { demoAccountsHint, seedDemo } from './demo-seed.js';
export { type Department, type DepartmentListing, Directory, type StepReviewerReach, type Unit, type UnitPatch, type UserRecord, type UserSession } from './directory.js';
export {
  AccountDisabledError,
  DepartmentNameTakenError,
  DepartmentStepPendingError,
  LastStepReviewerError,
  IdentityError,
  InvalidCredentialsError,
  InvalidReviewChainError,
  UnitNotFoundError,
  UnitRequiredError,
  UnknownDepartmentError,
  UnknownUnitError,
  UnknownUserError,
} from './identity.errors.js';
export { IDENTITY_ACCESS, IDENTITY_ACTIONS, type IdentityAction } from './identity-access.js';
export { MAX_PASSWORD_LENGTH } from './password-policy.js';
export { DEFAULT_REVIEW_CHAIN, REVIEW_STEP_LABELS, REVIEW_STEPS, type ReviewStep, reviewChainMessage, reviewChainProblem } from './review-chain.js';
export { type AuthenticatedUser, canSeeUnit, type Role, ROLE_LABELS, ROLES, seesAllUnits, UNIT_SCOPE, visibleUnitIds } from './roles.js';
export { signingSecret } from './signing-secret.js';
export { UserChangePublisher, userChangesChannel } from './user-changes.js';
export { IdentityModule } from './identity.module.js';
export { notAuthorOf, notEarlierApproverOf } from './review-bar.js';
