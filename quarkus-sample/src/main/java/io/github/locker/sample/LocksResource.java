package io.github.locker.sample;

import io.github.locker.Lock;
import io.github.locker.LockNotAcquiredException;
import io.github.locker.Locker;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/** Takes and releases a lock by key: the smallest use of an injected, named {@link Locker}. */
@Path("/locks")
public class LocksResource {
    private final Locker locker;

    @Inject
    LocksResource(@Named("main") Locker locker) {
        this.locker = locker;
    }

    @POST
    @Path("{key}")
    public Response takeAndRelease(@PathParam("key") String key) {
        try (Lock lock = locker.lock(key)) {
            return Response.ok("held '" + key + "' on locker '" + locker.name() + "' with fencing token "
                    + lock.fencingToken() + "\n").build();
        } catch (LockNotAcquiredException busy) {
            return Response.status(Response.Status.CONFLICT).entity(busy.getMessage() + "\n").build();
        }
    }
}
