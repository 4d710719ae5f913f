package io.github.locker.cdi;

import io.github.locker.core.SettingNames;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Every message a deployment failure shows, in one place and one shape: what is wrong, where
 * (the bean and member, or the property), and the fix.
 */
final class Problems {
    private Problems() {
    }

    static String unknownLocker(String where, String locker, Collection<String> configured) {
        return where + " references locker '" + locker + "', but no 'locker." + locker + ".driver' is configured. "
                + "Configured lockers: " + configured + ". Configure it (locker." + locker + ".driver=redis|etcd) or "
                + "name a configured one.";
    }

    static String noDefaultLocker(String where, Collection<String> configured) {
        return where + " uses the default locker, but none is configured: configure 'locker.default.driver', "
                + "configure exactly one locker, or name one with @Named / @Locked(locker = ...). Configured lockers: "
                + configured + ".";
    }

    static String blankDriver(String locker) {
        return "'locker." + locker + ".driver' is blank: set it to the driver to use, e.g. redis or etcd.";
    }

    static String unknownDriver(String locker, String driver, Collection<String> installed) {
        return "Locker '" + locker + "' uses driver '" + driver + "' (locker." + locker + ".driver), but no installed "
                + "driver has that name. Installed drivers: " + installed + ". " + DriverArtifacts.advice(driver);
    }

    static String orphanSetting(String property) {
        String head = property.substring(0, property.lastIndexOf('.') + 1);
        String last = property.substring(head.length());
        String fix = last.equals("driver") ? "a locker needs a name: locker.<name>.driver."
                : SettingNames.closest(last, Set.of("driver"))
                        .map(driver -> "did you mean '" + head + driver + "'?")
                        .orElse("configure its locker with 'locker.<name>.driver', or remove it.");
        return "'" + property + "' belongs to no configured locker: " + fix;
    }

    static String driverProblem(String locker, String problem) {
        return "Locker '" + locker + "': " + problem;
    }

    static String invalidSetting(String property, String why) {
        return "'" + property + "' is invalid: " + why + ".";
    }

    static String notABoolean(String property, String value) {
        return "'" + property + "' must be true or false, was '" + value + "'.";
    }

    static String notAnInteger(String property, String value) {
        return "'" + property + "' must be a whole number, was '" + value + "'.";
    }

    static String unknownKeyParameter(String where, String template, String parameter, List<String> parameters) {
        boolean namesLost = parameters.stream().anyMatch(name -> name.matches("arg\\d+"));
        return where + " has key template '" + template + "', but the method has no parameter '" + parameter
                + "'. Parameters: " + parameters + "."
                + (namesLost ? " The names were not kept: compile with -parameters, or use positions such as {0}." : "");
    }

    static String keyPositionOutOfRange(String where, String template, int position, int count) {
        return where + " has key template '" + template + "', but the method has no parameter {" + position + "} ("
                + count + " parameters, counted from {0}).";
    }

    static String malformedKeyTemplate(String where, String template, String why) {
        return where + " has key template '" + template + "', which is malformed: " + why + ".";
    }

    static String invalidLockedMember(String where, String member, String value, String why) {
        return where + " has " + member + " = \"" + value + "\", which is invalid: " + why + ".";
    }

    static String lazyResult(String where, String returnType) {
        return where + " returns " + returnType + ", which does its work only when subscribed, after the method has "
                + "returned: the lock would be released before that work runs. Return a CompletionStage, or Mutiny's Uni "
                + "or Multi, whose completion @Locked waits for, or take the lock inside the pipeline with "
                + "Locker.lockAsync.";
    }

    static String unreachableAtStartup(String locker, String section, String cause) {
        return "Locker '" + locker + "' could not use its backend " + section + " while the application started "
                + "(locker." + locker + ".connect-at-startup=true): " + cause + " Fix the server or the " + section
                + ".* settings, or set locker." + locker + ".connect-at-startup=false to connect on first use "
                + "(the readiness check then reports the backend).";
    }

    static String deploymentFailed(List<String> problems) {
        StringBuilder message = new StringBuilder("locker found ").append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems").append(" in this deployment:");
        problems.forEach(problem -> message.append("\n  - ").append(problem));
        return message.toString();
    }
}
