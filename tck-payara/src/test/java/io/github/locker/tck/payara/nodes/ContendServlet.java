package io.github.locker.tck.payara.nodes;

import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /contend?locker=redis|etcd&key=K&rounds=N&journal=FILE&node=NAME}: enters the
 * journaled section N times, one after the other; the test sends several such requests to each
 * instance at once.
 */
@WebServlet("/contend")
public class ContendServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @EJB
    transient JournaledSections sections;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String locker = request.getParameter("locker");
        String key = request.getParameter("key");
        String journal = request.getParameter("journal");
        String node = request.getParameter("node");
        int rounds = Integer.parseInt(request.getParameter("rounds"));
        if (!locker.equals("redis") && !locker.equals("etcd")) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "no locker " + locker);
            return;
        }
        for (int round = 0; round < rounds; round++) {
            if (locker.equals("redis")) {
                sections.onRedis(key, journal, node);
            } else {
                sections.onEtcd(key, journal, node);
            }
        }
        response.setContentType("text/plain");
        response.getWriter().print(rounds + " sections");
    }
}
