/** E-mails are stored and looked up in lower case, without surrounding spaces. */
export const normalEmail = (email: string): string => email.trim().toLowerCase();
