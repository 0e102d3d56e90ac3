using BotBottle.Web.LocalModels;
using BotBottle.Web.Webhooks;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisClient("redis");
builder.Services.AddGiteaWebhooks(builder.Configuration);
builder.Services.AddLocalModels(builder.Configuration);

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGiteaWebhook();
app.WarnIfWebhooksAreUnconfigured();

app.Run();
