import Contracts
import OrdersCore
import WorkerRuntime

await Worker.run(queue: .checkout) { resources in
    let postgres = try resources.postgres()
    return CheckoutHandler(
        orders: OrderRepository(client: postgres, logger: resources.logger),
        payments: PaymentRepository(client: postgres, logger: resources.logger),
        provider: AlwaysApprovingPaymentProvider()
    )
}
