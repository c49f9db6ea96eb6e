// `GET /openapi.yaml`: our own OpenAPI 3.1 document of every endpoint, in Terra's shapes. schemathesis
// checks a live server against it in CI (scripts/test.sh).

import SlipstreamStorage

enum OpenAPIDocument {
    static let yaml = #"""
        openapi: 3.1.0
        info:
          title: Slipstream
          version: 0.1.0
          description: >
            The Xoss integration as a service, answering Terra's API (the same paths, parameters and
            shapes under /v2): developers' keys, users, ingest of FIT and Terra JSON, the historical
            activity API, and Terra's own webhook pushes.
          license:
            name: Apache-2.0 (Terra's shapes, from tryterra/openapi)
            identifier: Apache-2.0
        servers:
          - url: /
        security:
          - DevID: []
            ApiKey: []
        paths:
          /healthz:
            get:
              operationId: health
              security: []
              responses:
                '200': {description: serving, content: {application/json: {schema: {$ref: '#/components/schemas/Success'}}}}
          /readyz:
            get:
              operationId: ready
              security: []
              responses:
                '200': {description: the database answers, content: {application/json: {schema: {$ref: '#/components/schemas/Success'}}}}
                '503': {$ref: '#/components/responses/Problem'}
          /metrics:
            get:
              operationId: metrics
              security: []
              responses:
                '200': {description: Prometheus text format, content: {text/plain: {schema: {type: string}}}}
          /openapi.yaml:
            get:
              operationId: openapi
              security: []
              responses:
                '200': {description: this document, content: {application/yaml: {schema: {type: string}}}}
          /auth/connected:
            get:
              operationId: connectedPage
              security: []
              parameters:
                - {name: user_id, in: query, required: false, schema: {type: string}}
              responses:
                '200': {description: the page auth_url leads to, content: {text/html: {schema: {type: string}}}}
          /v2/auth/authenticateUser:
            post:
              operationId: authenticateUser
              parameters:
                - {name: resource, in: query, required: true, schema: {type: string, enum: [XOSS]}}
              requestBody:
                required: false
                content:
                  application/json:
                    schema:
                      type: object
                      properties:
                        reference_id: {type: [string, 'null']}
                        language: {type: string}
                        auth_success_redirect_url: {type: string}
                        auth_failure_redirect_url: {type: string}
              responses:
                '200':
                  description: the user, connected at once
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [status, user_id, auth_url]
                        properties:
                          status: {type: string, enum: [success]}
                          user_id: {type: string}
                          auth_url: {type: string}
                '400': {$ref: '#/components/responses/Problem'}
                '401': {$ref: '#/components/responses/Problem'}
          /v2/auth/deauthenticateUser:
            delete:
              operationId: deauthenticateUser
              parameters:
                - {$ref: '#/components/parameters/UserID'}
              responses:
                '200': {description: the user and all their data are deleted, content: {application/json: {schema: {$ref: '#/components/schemas/Success'}}}}
                '400': {$ref: '#/components/responses/Problem'}
                '401': {$ref: '#/components/responses/Problem'}
                '404': {$ref: '#/components/responses/Problem'}
          /v2/userInfo:
            get:
              operationId: userInfo
              parameters:
                - {name: user_id, in: query, required: false, schema: {type: string, minLength: 1}}
                - {name: reference_id, in: query, required: false, schema: {type: string}}
              responses:
                '200':
                  description: one user (by user_id) or every user with the reference_id
                  content:
                    application/json:
                      schema:
                        oneOf:
                          - type: object
                            required: [user, status, is_authenticated]
                            properties:
                              user: {$ref: '#/components/schemas/TerraUser'}
                              status: {type: string, enum: [success]}
                              is_authenticated: {type: boolean}
                          - type: array
                            items: {$ref: '#/components/schemas/TerraUser'}
                '400': {$ref: '#/components/responses/Problem'}
                '401': {$ref: '#/components/responses/Problem'}
                '404': {$ref: '#/components/responses/Problem'}
          /v2/subscriptions:
            get:
              operationId: subscriptions
              responses:
                '200':
                  description: every user of the developer
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [users]
                        properties:
                          users: {type: array, items: {$ref: '#/components/schemas/TerraUser'}}
                '401': {$ref: '#/components/responses/Problem'}
          /v2/ingest:
            post:
              operationId: ingest
              description: >
                A FIT recording or a Terra Activity payload (any shape `slipstream summarize` reads),
                gzip too, streamed into one transaction. An activity sent again replaces the stored one.
              parameters:
                - {$ref: '#/components/parameters/UserID'}
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      description: a Terra envelope or Activity, an array of them, or NDJSON of them
                      type: [object, array]
                  application/octet-stream: {schema: {type: string, format: binary}}
              responses:
                '200':
                  description: stored and committed
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Stored'}
                '400': {$ref: '#/components/responses/Problem'}
                '401': {$ref: '#/components/responses/Problem'}
                '404': {$ref: '#/components/responses/Problem'}
                '413': {$ref: '#/components/responses/Problem'}
          /v2/activity:
            get:
              operationId: activity
              parameters:
                - {$ref: '#/components/parameters/UserID'}
                - {name: start_date, in: query, required: true, schema: {$ref: '#/components/schemas/Date'}}
                - {name: end_date, in: query, required: false, schema: {$ref: '#/components/schemas/Date'}}
                - {name: to_webhook, in: query, required: false, schema: {type: boolean, default: true}}
                - {name: with_samples, in: query, required: false, schema: {type: boolean, default: false}}
              responses:
                '200':
                  description: the activities, or the acknowledgement that they go to the webhook
                  content:
                    application/json:
                      schema:
                        oneOf:
                          - type: object
                            required: [user, data, type]
                            properties:
                              user: {$ref: '#/components/schemas/TerraUser'}
                              data: {type: array, items: {$ref: '#/components/schemas/Activity'}}
                              type: {type: string, enum: [activity]}
                          - type: object
                            required: [status, type, reference, user]
                            properties:
                              status: {type: string, enum: [success]}
                              type: {type: string, enum: [activity]}
                              reference: {type: string}
                              trace_id: {type: string}
                              user: {$ref: '#/components/schemas/TerraUser'}
                '400': {$ref: '#/components/responses/Problem'}
                '401': {$ref: '#/components/responses/Problem'}
                '404': {$ref: '#/components/responses/Problem'}
                '429': {$ref: '#/components/responses/Problem'}
          /webhooks/terra/{dev_id}:
            post:
              operationId: terraWebhook
              description: Terra's own pushes for a developer, signed with their Terra signing secret.
              security: []
              parameters:
                - {name: dev_id, in: path, required: true, schema: {type: string}}
                - {name: terra-signature, in: header, required: true, schema: {type: string}}
              requestBody:
                required: true
                content:
                  application/json: {schema: {type: object}}
              responses:
                '200':
                  description: stored (activity events) or recorded (other events)
                  content:
                    application/json:
                      schema:
                        oneOf:
                          - {$ref: '#/components/schemas/Stored'}
                          - {$ref: '#/components/schemas/Success'}
                '400': {$ref: '#/components/responses/Problem'}
                '401': {$ref: '#/components/responses/Problem'}
                '404': {$ref: '#/components/responses/Problem'}
                '409': {$ref: '#/components/responses/Problem'}
                '413': {$ref: '#/components/responses/Problem'}
        components:
          securitySchemes:
            DevID: {type: apiKey, in: header, name: dev-id}
            ApiKey: {type: apiKey, in: header, name: x-api-key}
          parameters:
            UserID: {name: user_id, in: query, required: true, schema: {type: string, minLength: 1}}
          responses:
            Problem:
              description: what is wrong, and for a payload, where (RFC 9457)
              content:
                application/problem+json:
                  schema: {$ref: '#/components/schemas/Problem'}
          schemas:
            Date:
              description: a UTC date, or 10-digit unix seconds
              oneOf:
                - {type: integer, minimum: 1000000000, maximum: 9999999999}
                - {type: string, format: date, pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'}
            Success:
              type: object
              required: [status]
              properties:
                status: {type: string, enum: [success]}
            Problem:
              type: object
              required: [type, title, status, detail, instance]
              properties:
                type: {type: string}
                title: {type: string}
                status: {type: integer}
                detail: {type: string}
                instance: {type: string}
                byte: {type: [integer, 'null']}
                line: {type: [integer, 'null']}
                column: {type: [integer, 'null']}
                path: {type: [string, 'null']}
            TerraUser:
              type: object
              required: [user_id, provider]
              properties:
                user_id: {type: string}
                provider: {type: string}
                created_at: {type: [string, 'null']}
                last_webhook_update: {type: [string, 'null']}
                scopes: {type: [string, 'null']}
                reference_id: {type: [string, 'null']}
                active: {type: boolean}
            Stored:
              type: object
              required: [status, activities]
              properties:
                status: {type: string, enum: [success]}
                activities:
                  type: array
                  items:
                    type: object
                    required: [summary_id, user_id, start_time, end_time]
                    properties:
                      summary_id: {type: string}
                      user_id: {type: string}
                      start_time: {type: string}
                      end_time: {type: string}
                slipstream:
                  type: object
                  properties:
                    problems: {type: array, items: {type: string}}
            Activity:
              description: Terra's Activity; Slipstream's own fields are under `slipstream`.
              type: object
              required: [metadata]
              properties:
                metadata: {type: [object, 'null']}
                slipstream: {type: object}
        """#
}
