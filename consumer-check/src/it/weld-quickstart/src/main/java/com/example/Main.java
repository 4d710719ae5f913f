package com.example;

import java.time.LocalDate;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

public class Main {
    public static void main(String[] args) {
        try (WeldContainer container = new Weld().initialize()) {
            Checkins checkins = container.select(Checkins.class).get();
            System.out.println("first check-in rewarded: " + checkins.checkIn("user-1", LocalDate.now()));
            System.out.println("second check-in rewarded: " + checkins.checkIn("user-1", LocalDate.now()));
        }
    }
}
