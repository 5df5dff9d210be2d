// Creates the application's MongoDB user with readWrite on crm_db and nothing else (least privilege: no admin
// roles, no other databases). The mongo image runs this with mongosh as the root user, once, when /data/db is
// empty. Credentials come from the environment (compose passes them from the git-ignored .env).
const appUser = process.env.CRM_DB_USERNAME;
const appPassword = process.env.CRM_DB_PASSWORD;
if (!appUser || !appPassword) {
  throw new Error('CRM_DB_USERNAME and CRM_DB_PASSWORD must be set for the crm_db application user');
}
const crm = db.getSiblingDB('crm_db');
if (crm.getUser(appUser) === null) {
  crm.createUser({
    user: appUser,
    pwd: appPassword,
    roles: [{ role: 'readWrite', db: 'crm_db' }],
  });
  print(`created user ${appUser} with readWrite on crm_db`);
} else {
  print(`user ${appUser} already exists on crm_db`);
}
