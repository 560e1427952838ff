// sequelize-cli reads its connection from DATABASE_URL in every environment.
const settings = { use_env_variable: 'DATABASE_URL', dialect: 'postgres', logging: false };
module.exports = { development: settings, test: settings, production: settings };
