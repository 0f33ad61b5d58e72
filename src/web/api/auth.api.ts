import type {
  LoginRequest,
  LoginResponse,
  MessageResponse,
  RegisterRequest,
  ResetPasswordRequest,
  ResetTokenValid,
  User,
  UserEnvelope,
} from '../../shared/auth.schemas';
import type { RegistrationInfo } from '../../shared/admin.schemas';
import { ApiError, apiRequest } from './api-client';

export type { RegistrationInfo } from '../../shared/admin.schemas';

/**
 * Who may register right now (public: the Register page asks before showing its form).
 * Here, not in admin.api.ts, so the Register page does not load the Admin page's client.
 */
export function fetchRegistrationInfo(signal?: AbortSignal): Promise<RegistrationInfo> {
  return apiRequest<RegistrationInfo>('GET', '/auth/registration', signal ? { signal } : {});
}

/** What the register form sends; `displayName` is left out when empty. */
export type RegisterInput = RegisterRequest;

/** What the login form sends; `username` may also be an email address. */
export type LoginInput = Required<Pick<LoginRequest, 'username' | 'password'>>;

/** Creates an account. Does not sign in: the user logs in afterwards. */
export async function register(input: RegisterInput): Promise<User> {
  const { user } = await apiRequest<UserEnvelope>('POST', '/auth/register', { body: input });
  return user;
}

/**
 * Signs in. The server sets the HttpOnly session cookie; the access token in
 * the answer is for API clients and is deliberately not kept by the web app.
 */
export async function login(input: LoginInput): Promise<User> {
  const { user } = await apiRequest<LoginResponse>('POST', '/auth/login', { body: input });
  return user;
}

/** Ends the session and clears the cookie. */
export async function logout(): Promise<void> {
  await apiRequest<undefined>('POST', '/auth/logout');
}

/** The signed-in user, or `null` when there is no valid session (401). */
export async function fetchCurrentUser(signal?: AbortSignal): Promise<User | null> {
  try {
    const { user } = await apiRequest<UserEnvelope>('GET', '/auth/me', signal ? { signal } : {});
    return user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      return null;
    }
    throw error;
  }
}

/** What the reset form sends. */
export type ResetPasswordInput = ResetPasswordRequest;

/**
 * Asks for a reset link. The server answers the same whether or not an
 * account has that email, so the answer says nothing about who exists.
 */
export async function requestPasswordReset(email: string): Promise<void> {
  await apiRequest<MessageResponse>('POST', '/auth/forgot-password', { body: { email } });
}

/** Resolves when the reset token is still usable; throws `ApiError` (`invalid_token`) otherwise. */
export async function verifyResetToken(token: string, signal?: AbortSignal): Promise<void> {
  const query = new URLSearchParams({ token }).toString();
  await apiRequest<ResetTokenValid>('GET', `/auth/reset-password/verify?${query}`, signal ? { signal } : {});
}

/** Sets a new password with a reset token. Signs nobody in: every session of the account ends. */
export async function resetPassword(input: ResetPasswordInput): Promise<void> {
  await apiRequest<MessageResponse>('POST', '/auth/reset-password', { body: input });
}
