/** Someone as the dashboard shows them: a name when known, and an e-mail address. */
export interface Person {
  name: string | null;
  email: string;
}
