/**
 * Console roles, lowest first: a viewer reads; an editor also creates and cancels waves and manages digest
 * readers; an admin also erases contacts and manages users. Each role is a group of the user pool of the
 * same name, and a user's role is the highest group they are in.
 */

export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** Whether `role` may do what needs at least `minimum`. */
export const allows = (role: Role | undefined, minimum: Role): boolean =>
  role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(minimum);

/** The highest role among a user's groups (`cognito:groups`); undefined when no group is a role. */
export const roleOfGroups = (groups: readonly string[]): Role | undefined => {
  let best: Role | undefined;
  for (const group of groups) {
    if (isRole(group) && !allows(best, group)) best = group;
  }
  return best;
};
