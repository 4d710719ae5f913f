package io.github.locker.cdi;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code @Locked} key template: literal text with placeholders naming the method's arguments.
 * <ul>
 *   <li>{@code {uid}}: the parameter named {@code uid} (needs {@code -parameters});</li>
 *   <li>{@code {0}}: the first parameter;</li>
 *   <li>{@code {user.id}}: {@code user.getId()} (or {@code isId()}, or the record component {@code id()});</li>
 *   <li>{@code {{} and {@code }}}: a literal brace.</li>
 * </ul>
 * Immutable; parsed once per method, at deployment.
 */
final class KeyTemplate {
    private final String text;
    private final List<Object> parts;

    /** A placeholder: a parameter by name or position, then a chain of property names. */
    record Argument(String parameter, int position, List<String> path) {
        boolean byPosition() {
            return position >= 0;
        }
    }

    private KeyTemplate(String text, List<Object> parts) {
        this.text = text;
        this.parts = parts;
    }

    /**
     * @param template the template text
     * @return the parsed template
     * @throws IllegalArgumentException saying what is malformed
     */
    static KeyTemplate parse(String template) {
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if ((c == '{' || c == '}') && i + 1 < template.length() && template.charAt(i + 1) == c) {
                literal.append(c);
                i += 2;
            } else if (c == '}') {
                throw new IllegalArgumentException("'}' at position " + i + " closes nothing (write }} for a literal brace)");
            } else if (c == '{') {
                int close = template.indexOf('}', i);
                if (close < 0) {
                    throw new IllegalArgumentException("'{' at position " + i + " is never closed");
                }
                if (literal.length() > 0) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                parts.add(argument(template.substring(i + 1, close).trim(), i));
                i = close + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        if (literal.length() > 0) {
            parts.add(literal.toString());
        }
        return new KeyTemplate(template, List.copyOf(parts));
    }

    private static Argument argument(String reference, int at) {
        if (reference.isEmpty() || reference.startsWith(".") || reference.endsWith(".") || reference.contains("..")
                || reference.contains("{")) {
            throw new IllegalArgumentException("placeholder at position " + at + " must name a parameter, e.g. {uid}, {0} or {user.id}");
        }
        List<String> segments = List.of(reference.split("\\."));
        String head = segments.get(0);
        int position = head.chars().allMatch(Character::isDigit) ? Integer.parseInt(head) : -1;
        return new Argument(head, position, segments.subList(1, segments.size()));
    }

    /** @return the placeholders, in order */
    List<Argument> arguments() {
        return parts.stream().filter(Argument.class::isInstance).map(Argument.class::cast).toList();
    }

    /**
     * @param arguments the call's arguments
     * @param parameterNames the method's parameter names
     * @return the key for this call
     * @throws IllegalArgumentException when a property on the path is null or cannot be read
     */
    String render(Object[] arguments, List<String> parameterNames) {
        StringBuilder key = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof Argument argument) {
                int index = argument.byPosition() ? argument.position() : parameterNames.indexOf(argument.parameter());
                Object value = arguments[index];
                for (String property : argument.path()) {
                    value = read(value, property, argument);
                }
                key.append(value);
            } else {
                key.append(part);
            }
        }
        return key.toString();
    }

    private Object read(Object target, String property, Argument argument) {
        if (target == null) {
            throw new IllegalArgumentException("key template '" + text + "': cannot read '" + property + "' of a null "
                    + "in {" + argument.parameter() + "." + String.join(".", argument.path()) + "}");
        }
        String capitalized = Character.toUpperCase(property.charAt(0)) + property.substring(1);
        for (String name : List.of("get" + capitalized, "is" + capitalized, property)) {
            try {
                Method getter = target.getClass().getMethod(name);
                // a public getter of a non-public class (a record nested in a service, say) needs this to be called
                if (!getter.canAccess(target)) {
                    getter.trySetAccessible();
                }
                return getter.invoke(target);
            } catch (NoSuchMethodException tryNext) {
                // a record component or a boolean getter may still match
            } catch (IllegalAccessException | InvocationTargetException unreadable) {
                throw new IllegalArgumentException("key template '" + text + "': cannot read '" + property + "' of "
                        + target.getClass().getName() + ": " + unreadable, unreadable);
            }
        }
        throw new IllegalArgumentException("key template '" + text + "': " + target.getClass().getName()
                + " has no public get" + capitalized + "(), is" + capitalized + "() or " + property + "()");
    }

    @Override
    public String toString() {
        return text;
    }
}
