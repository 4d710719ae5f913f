package io.github.locker.cdi;

import io.github.locker.LockMode;
import io.github.locker.core.Durations;
import io.github.locker.spi.LockerDriver;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The rules a deployment must pass, written once and called from both the portable extension and
 * the build-compatible one: configured lockers, their drivers and backend sections, the lockers
 * that injection points and {@code @Locked} methods reference, key templates and durations.
 * Every problem is collected, so one failed start reports them all.
 */
final class DeploymentRules {
    private final LockerConfiguration configuration;
    private final Map<String, LockerDriver> drivers;

    DeploymentRules(LockerConfiguration configuration, ClassLoader classLoader) {
        this.configuration = configuration;
        this.drivers = LockerDriver.installed(classLoader).stream()
                .collect(Collectors.toMap(LockerDriver::name, Function.identity(), (first, second) -> first));
    }

    /** @return the problems of the configuration alone: what a runtime start checks again */
    List<String> checkConfiguration() {
        Set<String> problems = new LinkedHashSet<>(configuration.problems());
        configuration.lockers().values().forEach(locker -> {
            LockerDriver driver = drivers.get(locker.driver());
            if (driver == null) {
                problems.add(Problems.unknownDriver(locker.name(), locker.driver(), drivers.keySet().stream().sorted().toList()));
            } else {
                driver.check(locker.backend()).forEach(problem -> problems.add(Problems.driverProblem(locker.name(), problem)));
                driver.checkKeyPrefix(locker.keyPrefix()).forEach(problem -> problems.add(
                        Problems.invalidSetting("locker." + locker.name() + ".key-prefix", problem)));
            }
        });
        return List.copyOf(problems);
    }

    /** @return every problem of the configuration and of the given references to it */
    List<String> check(Collection<LockerInjection> injections, Collection<LockedMethod> methods) {
        Set<String> problems = new LinkedHashSet<>(checkConfiguration());
        injections.forEach(injection -> referencedLocker(injection.where(), injection.locker()).ifPresent(problems::add));
        methods.forEach(method -> problems.addAll(check(method)));
        return List.copyOf(problems);
    }

    /** @return the locker a reference resolves to: the named one, or the default when the name is null or empty */
    Optional<String> resolve(String locker) {
        return locker == null || locker.isEmpty() ? configuration.defaultLocker() : Optional.of(locker)
                .filter(configuration.lockers()::containsKey);
    }

    private Optional<String> referencedLocker(String where, String locker) {
        if (resolve(locker).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(locker == null || locker.isEmpty()
                ? Problems.noDefaultLocker(where, configuration.lockers().keySet())
                : Problems.unknownLocker(where, locker, configuration.lockers().keySet()));
    }

    private List<String> check(LockedMethod method) {
        Set<String> problems = new LinkedHashSet<>();
        String where = "@Locked on '" + method.where() + "'";
        LockedSpec spec = method.spec();
        referencedLocker(where, spec.locker()).ifPresent(problems::add);
        for (String key : spec.keys()) {
            try {
                KeyTemplate template = KeyTemplate.parse(key);
                for (KeyTemplate.Argument argument : template.arguments()) {
                    if (argument.byPosition() && argument.position() >= method.parameterNames().size()) {
                        problems.add(Problems.keyPositionOutOfRange(where, key, argument.position(),
                                method.parameterNames().size()));
                    } else if (!argument.byPosition() && !method.parameterNames().contains(argument.parameter())) {
                        problems.add(Problems.unknownKeyParameter(where, key, argument.parameter(), method.parameterNames()));
                    }
                }
            } catch (IllegalArgumentException malformed) {
                problems.add(Problems.malformedKeyTemplate(where, key, malformed.getMessage()));
            }
        }
        if (LAZY_RESULTS.contains(method.returnType())) {
            problems.add(Problems.lazyResult(where, method.returnType()));
        }
        Set<String> durationProblems = new LinkedHashSet<>();
        duration(where, "waitTime", spec.waitTime(), false).ifPresent(durationProblems::add);
        duration(where, "leaseTime", spec.leaseTime(), true).ifPresent(durationProblems::add);
        duration(where, "holdAtLeast", spec.holdAtLeast(), false).ifPresent(durationProblems::add);
        problems.addAll(durationProblems);
        Optional<String> modeProblem = modeProblem(where, spec);
        modeProblem.ifPresent(problems::add);
        Optional<LockerDefinition> locker = resolve(spec.locker()).map(configuration.lockers()::get);
        if (durationProblems.isEmpty() && modeProblem.isEmpty() && locker.isPresent()) {
            try {
                spec.options(locker.get().defaults());
            } catch (IllegalArgumentException together) {
                // each member is readable, but not with the others (holdAtLeast longer than the lease)
                problems.add(Problems.invalidLockedMember(where, "holdAtLeast", spec.holdAtLeast(), together.getMessage()));
            }
        }
        return List.copyOf(problems);
    }

    /** A semaphore needs its count, and only a semaphore has one. */
    private static Optional<String> modeProblem(String where, LockedSpec spec) {
        if (spec.permits() < 0) {
            return Optional.of(Problems.invalidLockedMember(where, "permits", String.valueOf(spec.permits()),
                    "a semaphore admits 1 or more holders; 0 (the default) means a lock"));
        }
        if (spec.permits() == 0 && spec.mode() == LockMode.PERMIT) {
            return Optional.of(Problems.invalidLockedMember(where, "mode", "PERMIT",
                    "a semaphore needs its count: give permits = N (1 or more) instead of mode = PERMIT"));
        }
        if (spec.permits() > 0 && spec.mode() == LockMode.SHARED) {
            return Optional.of(Problems.invalidLockedMember(where, "mode", "SHARED",
                    "permits = " + spec.permits() + " makes it a semaphore, whose holds are permits, not shared holds: "
                            + "give mode = SHARED or permits, not both"));
        }
        return Optional.empty();
    }

    /**
     * Return types whose work runs only when subscribed, after the method has returned, and which
     * the interceptor does not hold the lock across (it does for Mutiny's Uni and Multi): it would
     * release the lock before the guarded work starts. Binary names, as both reflection and the
     * build-time model give them.
     */
    private static final Set<String> LAZY_RESULTS = Set.of("org.reactivestreams.Publisher", "java.util.concurrent.Flow$Publisher",
            "reactor.core.publisher.Mono", "reactor.core.publisher.Flux", "io.reactivex.rxjava3.core.Single",
            "io.reactivex.rxjava3.core.Maybe", "io.reactivex.rxjava3.core.Completable",
            "io.reactivex.rxjava3.core.Flowable", "io.reactivex.rxjava3.core.Observable");

    private static Optional<String> duration(String where, String member, String value, boolean mustBePositive) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            Duration duration = Durations.parse(value, member);
            if (mustBePositive && (duration.isZero() || duration.isNegative())) {
                return Optional.of(Problems.invalidLockedMember(where, member, value, "a lease must be positive"));
            }
            return Optional.empty();
        } catch (IllegalArgumentException unreadable) {
            return Optional.of(Problems.invalidLockedMember(where, member, value,
                    "not a duration; write e.g. 500ms, 3s, 2m or PT3S"));
        }
    }
}
