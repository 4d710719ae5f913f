package io.github.locker.tck.payara.deployer;

import fish.payara.micro.PayaraMicroRuntime;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Runs inside the tests' Payara Micro and deploys into it, through Payara Micro's public
 * {@link PayaraMicroRuntime}: {@code PUT /deployments/<name>} with a WAR's bytes deploys it at
 * {@code /<name>}, {@code DELETE /deployments/<name>} undeploys it, {@code GET /deployments} answers
 * once the server is up. Payara Micro has no admin interface of its own; this is what lets one
 * server take every test class's deployments.
 *
 * <p>A deployment Payara refuses is answered with 422 and every warning and error it logged while
 * trying, with their causes: a CDI extension's {@code DeploymentException} reaches the log, not the
 * caller of {@code deploy}, and the tests assert on its message.
 */
@WebServlet("/deployments/*")
public class DeployerServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    transient PayaraMicroRuntime runtime;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().println(String.join("\n", runtime.getDeployedApplicationNames()));
    }

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = nameOf(request);
        LogCapture capture = new LogCapture();
        Logger root = LogManager.getLogManager().getLogger("");
        root.addHandler(capture);
        boolean deployed;
        try {
            deployed = runtime.deploy(name, name, request.getInputStream());
        } finally {
            root.removeHandler(capture);
        }
        response.setContentType("text/plain");
        if (deployed && runtime.getDeployedApplicationNames().contains(name)) {
            response.getWriter().println("deployed " + name);
        } else {
            response.setStatus(422);
            response.getWriter().println(capture.report());
        }
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) {
        runtime.undeploy(nameOf(request));
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private static String nameOf(HttpServletRequest request) {
        String path = request.getPathInfo();
        if (path == null || !path.matches("/[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("expected /deployments/<name>, got " + path);
        }
        return path.substring(1);
    }

    /** Keeps every warning and error logged while a deployment runs, with its causes' messages. */
    private static final class LogCapture extends Handler {
        private final List<String> entries = new CopyOnWriteArrayList<>();
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord entry) {
            if (entry.getLevel().intValue() < Level.WARNING.intValue()) {
                return;
            }
            StringBuilder text = new StringBuilder(String.valueOf(formatter.formatMessage(entry)));
            Throwable cause = entry.getThrown();
            for (int depth = 0; cause != null && depth < 20; depth++, cause = cause.getCause()) {
                text.append("\n  caused by ").append(cause.getClass().getName()).append(": ").append(cause.getMessage());
            }
            entries.add(text.toString());
        }

        String report() {
            return entries.isEmpty() ? "Payara did not deploy the application and logged no warning or error"
                    : String.join("\n", entries);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
