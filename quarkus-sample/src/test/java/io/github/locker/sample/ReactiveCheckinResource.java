package io.github.locker.sample;

import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /reactive-checkins/{uid}} (a {@code Uni}) and {@code POST /reactive-checkins/{uid}/as-stage}
 * (a {@code CompletionStage}): the {@link ReactiveCheckins}, answering where the resource method
 * ran and what the locked body saw. Neither is {@code @Blocking}, so Quarkus REST calls them on the
 * event loop, in the request's duplicated context.
 */
@Path("/reactive-checkins")
@Produces(MediaType.APPLICATION_JSON)
@IfBuildProperty(name = ReactiveCheckins.ENABLED, stringValue = "enabled")
public class ReactiveCheckinResource {
    @Inject
    ReactiveCheckins checkins;

    /**
     * One request's answer.
     *
     * @param resourceOnEventLoop the resource method ran on an event-loop thread
     * @param callerContextDuplicated the resource method ran in a duplicated context (one per request)
     * @param bodyOnCallerContext the locked body ran in that very context
     * @param bodyThread the thread the locked body ran on
     * @param bodiesRunning how many bodies for the user were running when this one started, itself included
     */
    public record Answer(boolean resourceOnEventLoop, boolean callerContextDuplicated, boolean bodyOnCallerContext,
            String bodyThread, int bodiesRunning) {
    }

    /**
     * @param uid the user checking in
     * @return the answer, once the locked body is done
     */
    @POST
    @Path("{uid}")
    public Uni<Answer> checkIn(@PathParam("uid") String uid) {
        Caller caller = Caller.here();
        return checkins.checkIn(uid).map(caller::answer);
    }

    /**
     * @param uid the user checking in
     * @return the answer, once the locked body is done
     */
    @POST
    @Path("{uid}/as-stage")
    public CompletionStage<Answer> checkInAsStage(@PathParam("uid") String uid) {
        Caller caller = Caller.here();
        return checkins.checkInAsStage(uid).thenApply(caller::answer);
    }

    /** Where the resource method runs, taken before it calls the locked method. */
    private record Caller(Context context, boolean onEventLoop) {
        static Caller here() {
            return new Caller(Vertx.currentContext(), Context.isOnEventLoopThread());
        }

        Answer answer(ReactiveCheckins.Section body) {
            return new Answer(onEventLoop, context != null && VertxContext.isDuplicatedContext(context),
                    context != null && body.context() == context, body.thread(), body.bodiesRunning());
        }
    }
}
