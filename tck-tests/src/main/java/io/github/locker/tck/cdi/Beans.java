package io.github.locker.tck.cdi;

import io.github.locker.LockMode;
import io.github.locker.Locked;
import io.github.locker.Locker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.concurrent.Flow;

/** The beans the CDI tests deploy, each showing one way to reference a locker, right or wrong. */
public final class Beans {
    private Beans() {
    }

    @ApplicationScoped
    public static class NamedLockers {
        @Inject
        @Named("redis")
        Locker redis;

        @Inject
        @Named("etcd")
        Locker etcd;

        public Locker redis() {
            return redis;
        }

        public Locker etcd() {
            return etcd;
        }
    }

    @ApplicationScoped
    public static class DefaultLocker {
        @Inject
        Locker locker;

        public Locker locker() {
            return locker;
        }
    }

    @ApplicationScoped
    public static class UnknownNamedLocker {
        @Inject
        @Named("orderz")
        Locker locker;
    }

    @ApplicationScoped
    public static class LockedOnUnknownLocker {
        @Locked(locker = "orderz")
        public void pay(String order) {
        }
    }

    @ApplicationScoped
    public static class LockedWithMissingParameter {
        @Locked(key = "checkin:{uidd}:{day}")
        public void checkIn(String uid, String day) {
        }
    }

    @ApplicationScoped
    public static class LockedWithLazyResult {
        /** Its subscriber would run after the interceptor released the lock. */
        @Locked
        public Flow.Publisher<String> feed() {
            return subscriber -> { };
        }
    }

    @ApplicationScoped
    public static class LockedWithPositionOutOfRange {
        @Locked(key = "order:{1}")
        public void ship(String order) {
        }
    }

    @ApplicationScoped
    public static class LockedWithBadDurations {
        @Locked(waitTime = "soon", leaseTime = "0s")
        public void settle() {
        }

        @Locked(leaseTime = "10s", holdAtLeast = "2m")
        public void tick() {
        }
    }

    @ApplicationScoped
    public static class LockedWithBadModes {
        @Locked(mode = LockMode.PERMIT)
        public void withoutCount() {
        }

        @Locked(permits = -1)
        public void negativeCount() {
        }

        @Locked(mode = LockMode.SHARED, permits = 3)
        public void sharedPermits() {
        }
    }

    @ApplicationScoped
    @Locked(key = "report:{day}")
    public static class LockedClassWithTemplate {
        public void build(String day) {
        }

        public void archive(int year) {
        }
    }

    @ApplicationScoped
    public static class ValidLockedMethods {
        @Locked(key = "checkin:{uid}:{day}", waitTime = "3s", leaseTime = "PT10S")
        public void checkIn(String uid, String day) {
        }

        @Locked(key = "user:{user.id}:{0.name}")
        public void rename(User user) {
        }
    }

    public record User(String id, String name) {
    }
}
