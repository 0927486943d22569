// Swagger UI for /openapi.json, from the Worker's own assets.
window.ui = SwaggerUIBundle({
  url: document.getElementById("swagger-ui").dataset.openapi,
  dom_id: "#swagger-ui",
  deepLinking: true,
  tryItOutEnabled: false,
});
