package io.github.locker.sample;

import io.lettuce.core.RedisException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;

/** Answers 503 with a message, not a 500 with a stack trace, when the check-in store cannot be reached. */
@Provider
public class StoreUnavailable implements ExceptionMapper<RedisException> {
    @Override
    public Response toResponse(RedisException failure) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("outcome", "unavailable", "message", "The check-in store cannot be reached; try again "
                        + "in a moment", "detail", String.valueOf(failure.getMessage())))
                .build();
    }
}
