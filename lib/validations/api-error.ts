/** The API's error shape, for the OpenAPI document: every 4xx/5xx body has it. */
import { z } from "zod";

export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown(),
  }),
});
