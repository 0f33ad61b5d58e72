import { serializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * The serializer of API answers: fastify-type-provider-zod's (the answer is
 * checked against the route's response schema, fields it does not name are
 * dropped, then JSON), with zod's parse tried before its encode. Zod compiles
 * parse for object schemas and not encode: for `{status: "ok"}` parse takes
 * 0.2 µs and encode 1.6–3.7 µs, on every answer (issue 13). Parse and encode
 * give the same result for every schema without a codec, and no response
 * schema has one; an answer parse refuses (a codec's output type, or an
 * invalid answer) goes to encode, which writes it or throws as before.
 */
export const responseSerializer: typeof serializerCompiler = (route) => {
  const encode = serializerCompiler(route);
  const schema = route.schema;
  if (!(schema instanceof z.ZodType)) {
    return encode;
  }
  return (data) => {
    const parsed = schema.safeParse(data);
    return parsed.success ? JSON.stringify(parsed.data) : encode(data);
  };
};
