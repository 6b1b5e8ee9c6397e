/** Shown in place of `secure:` config values and secret outputs (a module of its own: reading it loads no SDK). */
export const SECRET_PLACEHOLDER = "[secret]";
