using BotBottle.Worker.Bottles;
using BotBottle.Worker.Heartbeat;
using BotBottle.Worker.Transcripts;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisClient("redis");
builder.Services.AddWorkerHeartbeat(builder.Configuration);
builder.Services.AddDockerBottles(builder.Configuration);
builder.Services.Configure<WorkerApiOptions>(builder.Configuration.GetSection(WorkerApiOptions.Section));
// Running jobs snapshot and tear their bottles down on shutdown; give them the time to.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(3));

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapTranscripts();

app.Run();
