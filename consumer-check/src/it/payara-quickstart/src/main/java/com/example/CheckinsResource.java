package com.example;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.time.LocalDate;

@Path("checkins")
public class CheckinsResource {
    @Inject
    Checkins checkins;

    @POST
    @Path("{uid}")
    public String checkIn(@PathParam("uid") String uid) {
        return checkins.checkIn(uid, LocalDate.now()) ? "rewarded" : "already checked in";
    }
}
