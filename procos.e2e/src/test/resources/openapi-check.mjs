// Validates an OpenAPI document with @apidevtools/swagger-parser (schema and references) and prints one
// JSON line: {"valid": true|false, "error": message-or-null, "openapi": version, "paths": n, "operations": n}
import SwaggerParser from '@apidevtools/swagger-parser';

const file = process.argv[2];
try {
  const api = await SwaggerParser.validate(file);
  const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
  const operations = Object.values(api.paths).reduce(
    (n, item) => n + methods.filter(m => item[m]).length, 0);
  console.log(JSON.stringify({
    valid: true, error: null, openapi: api.openapi, paths: Object.keys(api.paths).length, operations }));
} catch (e) {
  console.log(JSON.stringify({ valid: false, error: String(e.message || e) }));
}
