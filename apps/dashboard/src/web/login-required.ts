/** A page needs a signed-in user: the error filter sends the reader to the login page, and back to `next` after. */
export class LoginRequired extends Error {
  constructor(readonly next: string) {
    super('login required');
  }
}
