using BotBottle.Worker.Bottles;
using BotBottle.Worker.Heartbeat;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisClient("redis");
builder.Services.AddWorkerHeartbeat(builder.Configuration);
builder.Services.AddDockerBottles(builder.Configuration);

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
