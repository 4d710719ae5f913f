package io.github.locker.sample;

import io.github.locker.LockBackendException;
import io.github.locker.LockLostException;
import io.github.locker.LockNotAcquiredException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code POST /checkins/{uid}}: today's check-in of a user. Answers
 * <ul>
 *   <li>201 {@code rewarded}: this request granted today's points and coupon;</li>
 *   <li>200 {@code already-checked-in}: the user had checked in today (on whichever instance);</li>
 *   <li>409 {@code busy}: another request for the same user held the lock for longer than this one
 *       could wait, or {@code stale}: this request's lock ended before its write (try again);</li>
 *   <li>503 {@code unavailable}: the lock service or the store could not be reached, or the lock
 *       was lost while the check-in ran.</li>
 * </ul>
 * Every answer is JSON with a message, and carries {@code X-Node} (the instance that answered) and
 * {@code X-Lock-Wait-Ms} (from the request reaching this resource to the lock being held, or to
 * giving up). {@code GET /checkins?day=YYYY-MM-DD} (default: today) shows the rewards per user of a
 * day as stored, and the day's settlement.
 */
@Path("/checkins")
@Produces(MediaType.APPLICATION_JSON)
public class CheckinResource {
    @Inject
    Checkins checkins;
    @Inject
    CheckinStore store;
    @ConfigProperty(name = "sample.node-id")
    String node;

    /**
     * The answer to a check-in.
     *
     * @param outcome {@code rewarded}, {@code already-checked-in}, {@code busy}, {@code stale} or {@code unavailable}
     * @param message what happened, in a sentence
     * @param node the instance that answered
     * @param checkin the user's check-in of the day, when there is one
     * @param detail the library's own message, when the check-in did not run
     */
    public record Answer(String outcome, String message, String node, Checkin checkin, String detail) {
    }

    /**
     * A day as stored.
     *
     * @param day the day
     * @param rewardsPerUser how many rewards each user who checked in was granted
     * @param settlement the leader task's last settlement of the day, or null
     */
    public record Day(LocalDate day, Map<String, Long> rewardsPerUser, Settlement settlement) {
    }

    /**
     * @param uid the user checking in
     * @return the answer, see the class description
     */
    @POST
    @Path("{uid}")
    public Response checkIn(@PathParam("uid") String uid) {
        long receivedAt = System.nanoTime();
        LocalDate day = LocalDate.now();
        try {
            Checkins.Outcome outcome = checkins.checkIn(uid, day);
            Checkin checkin = outcome.checkin();
            if (outcome.rewarded()) {
                return answer(Response.Status.CREATED, outcome.lockedAtNanos() - receivedAt, new Answer("rewarded",
                        uid + " checked in on " + day + ": " + checkin.points() + " points and coupon " + checkin.coupon(),
                        node, checkin, null));
            }
            return answer(Response.Status.OK, outcome.lockedAtNanos() - receivedAt, new Answer("already-checked-in",
                    uid + " has already checked in on " + day + " (rewarded by " + checkin.node() + " at "
                            + checkin.at() + ")", node, checkin, null));
        } catch (LockNotAcquiredException busy) {
            return failed(Response.Status.CONFLICT, receivedAt, "busy", "Another request is checking " + uid
                    + " in right now and held the lock longer than this one could wait; try again in a moment", busy);
        } catch (StaleTokenException stale) {
            return failed(Response.Status.CONFLICT, receivedAt, "stale", "This request's lock ended before it could "
                    + "record the check-in, and a newer request has written since; try again", stale);
        } catch (LockBackendException | LockLostException unavailable) {
            return failed(Response.Status.SERVICE_UNAVAILABLE, receivedAt, "unavailable", "The lock service could "
                    + "not guard this check-in; it may or may not have been recorded: try again in a moment", unavailable);
        }
    }

    /**
     * @param day the day, {@code YYYY-MM-DD}; empty for today
     * @return the day's rewards per user and settlement, as stored
     */
    @GET
    public Day day(@QueryParam("day") String day) {
        LocalDate which = day == null || day.isBlank() ? LocalDate.now() : LocalDate.parse(day);
        return new Day(which, store.rewardsPerUser(which), store.settlement(which).orElse(null));
    }

    private Response failed(Response.Status status, long receivedAt, String outcome, String message, RuntimeException cause) {
        return answer(status, System.nanoTime() - receivedAt, new Answer(outcome, message, node, null, cause.getMessage()));
    }

    private Response answer(Response.Status status, long waitNanos, Answer answer) {
        return Response.status(status).entity(answer).header("X-Node", node)
                .header("X-Lock-Wait-Ms", String.format(Locale.ROOT, "%.3f", waitNanos / 1e6)).build();
    }
}
