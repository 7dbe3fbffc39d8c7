/**
 * The @nestjs/swagger compiler plugin as a ts-jest transformer, with the options `nest build`
 * uses (nest-cli.json), so the OpenAPI document the tests read is the one the app serves.
 */
const plugin = require('@nestjs/swagger/plugin');

module.exports = {
  name: 'nestjs-swagger-plugin',
  version: 1,
  factory: (compiler, options) => plugin.before(options, compiler.program),
};
