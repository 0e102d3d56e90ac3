using BotBottle.Web.Api;
using BotBottle.Web.Auth;
using BotBottle.Web.Jobs;
using BotBottle.Web.LocalModels;
using BotBottle.Web.Webhooks;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisClient("redis");
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<JobSubmitter>();
builder.Services.AddBotBottleAuth(builder.Configuration);
builder.Services.AddOpenApi();
// The same JSON on every wire (API, queue, events): enums as lowercase words.
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(
    new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower)));
builder.Services.AddGiteaWebhooks(builder.Configuration);
builder.Services.AddLocalModels(builder.Configuration);

var app = builder.Build();

app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous();
app.MapBottlesApi();
app.MapGiteaWebhook();
app.WarnIfWebhooksAreUnconfigured();

app.Run();
