import type { User } from '@forewarn/database';
import type { Request } from 'express';

/** A request after the auth guards: the signed-in user, if any, and how they proved who they are. */
export interface AuthedRequest extends Request {
  user?: User;
  /** Only cookie-authenticated changes need the same-origin check. */
  authVia?: 'token' | 'session';
}
