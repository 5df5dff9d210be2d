package io.crm.platform.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;

/**
 * Errors Tomcat raises itself, before any servlet runs (an encoded slash or NUL in the path, a header too large):
 * answered in the API's error shapes instead of Tomcat's HTML page, which would also name the server.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        // the raw request line: for a refused path nothing was decoded or mapped
        String uri = String.valueOf(request.getCoyoteRequest().requestURI());
        boolean legacy = Paths.LEGACY.matchesRaw(uri);
        HttpStatus known = HttpStatus.resolve(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        String detail = "The request could not be processed: " + title.toLowerCase();
        String body = legacy ? "{\"error\":\"" + detail + "\"}"
                : "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\""
                + detail + "\"}";
        try {
            response.setContentType(legacy ? "application/json" : "application/problem+json");
            response.setCharacterEncoding("UTF-8");
            response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response is already committed: nothing more to say
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Installation {

        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonErrorReports() {
            return factory -> factory.addContextCustomizers(context -> {
                if (context.getParent() instanceof StandardHost host) {
                    host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
                }
            });
        }
    }
}
