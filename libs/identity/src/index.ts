/**
 * The front door of libs/identity (`#perf-eval/identity`): what apps and other libs may use of it.
 * Files inside the lib import each other relatively, never through this file (.dependency-cruiser.cjs checks both).
 */
export { type AccessPolicy, rolePolicy, type RoleTable } from './access-policy.js';
export { demoAccountsHint, seedDemo } from './demo-seed.js';
export { Directory, type UserSession } from './directory.js';
export { AccountDisabledError, IdentityError, InvalidCredentialsError, UnitRequiredError, UnknownUnitError, UnknownUserError } from './identity.errors.js';
export { IDENTITY_ACCESS, IDENTITY_ACTIONS, type IdentityAction } from './identity-access.js';
export { MAX_PASSWORD_LENGTH } from './password-policy.js';
export { type AuthenticatedUser, canSeeUnit, type Role, ROLE_LABELS, ROLES, seesAllUnits, UNIT_SCOPE } from './roles.js';
export { signingSecret } from './signing-secret.js';
export { userChangesChannel } from './user-changes.js';
export { IdentityModule } from './identity.module.js';
